#pragma once
// The cache archive on the job's side, as gitlab-runner's cache-archiver and
// cache-extractor treat it: which format and level CACHE_COMPRESSION_FORMAT and
// CACHE_COMPRESSION_LEVEL pick, and when an archive need not be made (and uploaded) again.
//
// Names: the local file is always "<cache dir>/<project>/<key>/cache.zip" and the S3 object
// is ".../project/<id>/<key>" without a suffix, whatever the format (gitlab-runner does the
// same), so a bucket written by either runner is read by the other: the extractor tells
// the formats apart by their first bytes (archive/format.h).
//
// Up to date (gitlab-runner's rule): the archive exists and no selected file or directory
// was modified after the archive's modification time. A downloaded archive takes the S3
// object's Last-Modified as its modification time, and extraction restores the entries'
// times, so a job that changes nothing in its cache paths does not upload the same cache
// again. Deleting a file alone does not count as a change (gitlab-runner's rule too).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/format.h"
#include "util/clock.h"
#include "util/status.h"

namespace cache {

// CACHE_COMPRESSION_FORMAT, case-insensitive: "tarzstd" → kTarZstd; "zip", "" → kZip;
// "zipzstd" → kZip with a warning (zip with zstd entries is not written here); anything
// else → kZip with a warning naming the value. `warning` is cleared or set.
archives::Format CacheFormat(std::string_view value, std::string* warning);

// CACHE_COMPRESSION_LEVEL: fastest, fast, default, slow, slowest ("" = default); anything
// else → default with a warning naming the value.
archives::Level CacheLevel(std::string_view value, std::string* warning);

// True when the archive at `archive_path` exists and none of `files` (relative to `root`,
// as archives::SelectFiles lists them; symbolic links by their own time) is newer than
// it. False when the archive is missing. IOError when the archive exists but cannot be
// examined.
util::Result<bool> ArchiveUpToDate(const std::string& root, const std::vector<std::string>& files,
                                   const std::string& archive_path);

// Sets the modification time of `path` to `t` (a downloaded archive gets its object's
// Last-Modified). IOError naming the file on failure.
util::Status SetModificationTime(const std::string& path, util::Time t);

// An HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT", as S3 sends Last-Modified); nullopt
// when it is not one.
std::optional<util::Time> ParseHttpDate(std::string_view text);

}  // namespace cache
