#pragma once
// Writes a cache or artifacts archive of selected files (file_set.h) through libarchive,
// streaming each file in fixed-size pieces: memory does not grow with file or archive
// size. Zip entries keep mode and modification time; symbolic links are stored as links.
#include <cstdint>
#include <string>
#include <vector>

#include "archive/format.h"
#include "util/status.h"

namespace archives {

struct WriteStats {
  int64_t entries = 0;
  int64_t input_bytes = 0;   // file contents read
  int64_t output_bytes = 0;  // archive size
};

// Writes `files` (clean relative paths under `root`, parents first) to `out_path`
// (created or replaced) in `format` at `level`. kRaw needs exactly one regular file;
// kGzip takes regular files only (directories are skipped). On failure the partial file
// is removed and the Status says which file failed: IOError (read/write, e.g. disk full),
// InvalidArgument (kRaw with other than one file).
util::Result<WriteStats> WriteArchive(const std::string& root, const std::vector<std::string>& files,
                                      Format format, Level level, const std::string& out_path);

}  // namespace archives
