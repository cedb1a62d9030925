#pragma once
// Chooses the files of a cache or artifacts archive, as gitlab-runner's helper does:
// `paths` are globs relative to the project directory ("**" allowed); a matched
// directory brings everything under it; `exclude` globs drop files (and whole
// directories); `untracked` adds what `git ls-files -o` lists. Symbolic links are taken
// as links and never followed, so nothing outside the project directory is read. Paths
// that are absolute or leave the directory are skipped with a warning, as are patterns
// that match nothing.
#include <string>
#include <vector>

#include "util/status.h"

namespace archives {

struct FileSelection {
  std::vector<std::string> paths;
  std::vector<std::string> exclude;
  bool untracked = false;
};

struct SelectedFiles {
  // Clean relative paths, sorted, parents before children; directories included so
  // that empty ones survive.
  std::vector<std::string> files;
  std::vector<std::string> warnings;  // one line each, for the job log
};

// Walks `root` (an existing directory). Fails with NotFound when `root` is missing and
// IOError when a directory cannot be read; `git` failing for `untracked` is a warning.
util::Result<SelectedFiles> SelectFiles(const std::string& root, const FileSelection& sel);

}  // namespace archives
