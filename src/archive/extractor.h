#pragma once
// Extracts a cache or artifacts archive into a directory (the project directory),
// streaming: memory does not grow with the archive. The format is found from magic
// bytes (format.h): zip, tar+zstd, or gzip members (each written under the file name in
// its header).
//
// Nothing is ever written outside the target directory: entry names that are absolute or
// climb out with "..", symbolic links whose target leaves the directory, and entries that
// would be written through a symbolic link (one already on disk or one from the archive)
// are refused, and extraction stops there with an error naming the entry. Existing files
// are replaced.
#include <cstdint>
#include <string>

#include "util/status.h"

namespace archives {

struct ExtractStats {
  int64_t entries = 0;
  int64_t bytes = 0;  // file contents written
};

// Extracts `archive_path` into `target_dir` (created when missing). On failure:
// NotFound (no archive), InvalidArgument (an unsafe entry; names it), IOError (corrupt or
// truncated archive, or a write failed such as a full disk; names the entry). Entries
// extracted before the failure stay.
util::Result<ExtractStats> ExtractArchive(const std::string& archive_path, const std::string& target_dir);

}  // namespace archives
