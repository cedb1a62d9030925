#pragma once
// Reading a docker-save archive (the body of POST /images/load) without loading it: which
// image id and tags it holds, so a manager can tell whether an Engine already has it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace executor::docker {

struct ImageArchiveInfo {
  std::string image_id;                // "sha256:<hex>", the Id an Engine gives the loaded image
  std::vector<std::string> repo_tags;  // the tags a load sets: "spotrunner-helper:local"
};

// Parses docker-save's manifest.json. It must name exactly one image; its Config entry
// ("<hex>.json" in Docker's own format, "blobs/sha256/<hex>" in the OCI one) is the image
// id. kInvalidArgument naming what is wrong.
util::Result<ImageArchiveInfo> ParseSaveManifest(std::string_view manifest);

// The contents of member `member` of the uncompressed tar file `path`, found by walking the
// headers (member data is skipped, not read). kNotFound when the archive has no such
// member, kInvalidArgument when a header is malformed or the file ends early,
// kResourceExhausted past `limit` bytes; errors name the file.
util::Result<std::string> ReadTarMember(const std::string& path, const std::string& member, size_t limit = 1 << 20);

}  // namespace executor::docker
