#pragma once
// Builds a small uncompressed tar archive in memory: the body of PUT /containers/{id}/archive,
// which is how scripts get into a container without a bind mount from this host.
#include <string>
#include <vector>

#include "util/status.h"

namespace executor::docker {

struct TarEntry {
  std::string path;      // relative, "/"-separated: ".spotrunner/step_script.sh"
  std::string contents;  // ignored for directories
  int mode = 0644;
  bool directory = false;
};

// Entries are written in order (put a directory before its files). kInternal when
// libarchive fails.
util::Result<std::string> BuildTar(const std::vector<TarEntry>& entries);

}  // namespace executor::docker
