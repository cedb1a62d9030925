#pragma once
// Archive formats and compression levels as gitlab-runner names them
// (CACHE_COMPRESSION_FORMAT, ARTIFACT_COMPRESSION_LEVEL, artifact_format), and the
// magic-byte detection its artifacts downloader uses.
#include <string>
#include <string_view>

#include "util/status.h"

namespace archives {

enum class Format {
  kZip,      // "zip": deflate (or stored) zip, what gitlab-runner writes by default
  kTarZstd,  // "tarzstd": tar compressed with zstd
  kGzip,     // "gzip": one gzip member per file, the file name in the member header
  kRaw,      // "raw": exactly one file, as is
};

enum class Level { kFastest, kFast, kDefault, kSlow, kSlowest };

// "zip", "zipzstd" (written as zip), "tarzstd", "gzip", "raw"; "" = zip.
// InvalidArgument naming the value otherwise.
util::Result<Format> ParseFormat(std::string_view name);
// "fastest" … "slowest"; anything else (also "") is kDefault.
Level ParseLevel(std::string_view name);
// The upload file name suffix: ".zip", ".tar.zst", ".gz", "".
std::string_view FormatExtension(Format f);

// What the first bytes of an archive say: 28 B5 2F FD → tar+zstd, 1F 8B → gzip,
// anything else → zip (gitlab-runner's rule).
Format DetectFormat(std::string_view first_bytes);
// DetectFormat on the first bytes of the file at `path`. IOError if it cannot be read.
util::Result<Format> DetectFileFormat(const std::string& path);

}  // namespace archives
