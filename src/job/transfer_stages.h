#pragma once
// The bodies of the cache and artifacts stages, in gitlab-runner's order and words:
// restore_cache, download_artifacts (before the script steps), archive_cache /
// archive_cache_on_failure and upload_artifacts_on_success / _on_failure (after
// after_script). Each body calls `<helper> helper <verb>` (cli/helper_command.h) on the
// job's side; cache URLs are presigned here, on the manager, so the job gets URLs for one
// object and one method, never credentials. Cache failures are printed as warnings and
// never fail a stage; artifact failures do.
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "cache/s3_presigner.h"
#include "config/config.h"
#include "gitlab/job_payload.h"
#include "job/shell_writer.h"
#include "job/variables.h"
#include "util/clock.h"

namespace job {

struct TransferContext {
  const gitlab::JobPayload* job = nullptr;
  const JobVariables* vars = nullptr;
  const config::RunnerConfig* runner = nullptr;
  std::string helper;        // the spotrunner program as the stage scripts reach it
  std::string cache_dir;     // local cache root as the scripts see it
  std::string project_path;  // "group/project"
  std::string short_token;   // runner short token (object names)
  const cache::S3Presigner* s3 = nullptr;  // null unless [runners.cache] Type = "s3"
  std::chrono::seconds url_lifetime{3600};  // presigned URL validity (the job timeout)
};

// A TransferContext with the presigner it points to (when the cache is S3), made from the
// job and the runner's config. `warning` is set when the cache cannot be used (bad
// [runners.cache] settings, no credentials): the stages then run with the local cache.
struct TransferSetup {
  TransferSetup(const gitlab::JobPayload& job, const JobVariables& vars, const config::RunnerConfig& runner,
                const std::string& executor_name, const std::string& builds_root, const std::string& short_token,
                const std::string& project_path, int64_t job_timeout_seconds, const util::Clock& clock);
  TransferSetup(const TransferSetup&) = delete;
  TransferSetup& operator=(const TransferSetup&) = delete;

  TransferContext ctx;
  std::optional<cache::S3Presigner> s3;
  std::string warning;
};

using ScriptBody = std::function<void(ShellWriter&)>;

// Each returns nullopt when the stage has nothing to do (gitlab-runner then skips it).
// `job_succeeded` picks the entries whose `when` matches.
std::optional<ScriptBody> RestoreCacheBody(const TransferContext& c);
std::optional<ScriptBody> DownloadArtifactsBody(const TransferContext& c);
std::optional<ScriptBody> ArchiveCacheBody(const TransferContext& c, bool job_succeeded);
std::optional<ScriptBody> UploadArtifactsBody(const TransferContext& c, bool job_succeeded);

// The program the stage scripts call for `executor_name`: "spotrunner" (on PATH of the
// helper image) for docker; for shell this very binary, or the spotrunner beside it when
// the running program is another one (tests).
std::string HelperProgram(const std::string& executor_name);

// The cache directory as the scripts see it: [[runners]] cache_dir, else "/cache" for
// docker, else "cache" beside the builds root.
std::string CacheDir(const config::RunnerConfig& runner, const std::string& executor_name,
                     const std::string& builds_root);

}  // namespace job
