#pragma once
// Per-project volumes kept across jobs, named as gitlab-runner names them, so a switch
// keeps its habits (and `docker volume ls` reads the same): the `volumes` entries without
// a host path, the cache dir (the local cache without S3) and, for GIT_STRATEGY=fetch, the
// builds dir. `disable_cache = true` makes them per-job volumes instead. They are never
// removed by a job's cleanup nor by the leftover sweep (role "cache"); on a fleet instance
// they live as long as the instance.
#include <cstdint>
#include <string>

namespace executor::docker {

// "runner-<short token>-project-<id>-concurrent-<n>-cache-<md5 of container_path>".
std::string CacheVolumeName(const std::string& short_token, int64_t project_id, int concurrent_id,
                            const std::string& container_path);

}  // namespace executor::docker
