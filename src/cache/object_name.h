#pragma once
// Where a cache archive lives: the distributed cache's object name, exactly as
// gitlab-runner writes it (so an existing bucket keeps its hits), and the local cache
// file.
#include <cstdint>
#include <string>

#include "config/config.h"
#include "util/status.h"

namespace cache {

// "[<Path>/][runner/<short token>/]project/<project id>/<key>" ("runner/…/" omitted when
// [runners.cache] Shared). `key` is a sanitised key (cache_key.h). InvalidArgument when
// the key is empty or the name would leave "…/project/<id>/".
util::Result<std::string> ObjectName(const config::CacheConfig& cfg, const std::string& short_token,
                                     int64_t project_id, const std::string& key);

// "<cache_dir>/<project path>/<key>/cache.zip": the archive the helper writes and reads
// on the job's side (and the whole cache for Type "local" or "").
std::string LocalArchivePath(const std::string& cache_dir, const std::string& project_path, const std::string& key);

}  // namespace cache
