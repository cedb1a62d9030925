#pragma once
// The executor seam: where a job's stage scripts run. The job runner (job/) builds each
// stage as a complete shell script and hands it here; the executor only provides an
// environment (a host process group, a container) and streams the output back.
// Implementations: executor/shell (this host), executor/docker (Docker Engine API over a
// util::ByteStream). An executor object serves one job and is not thread-safe, except
// that a CancelToken passed to Run may be cancelled from another thread.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/cancel.h"
#include "util/status.h"

namespace executor {

// Receives output bytes (stdout and stderr interleaved as they come). Called from the
// executor's threads; implementations must be thread-safe.
class OutputSink {
 public:
  virtual ~OutputSink() = default;
  virtual void Write(std::string_view bytes) = 0;
};

struct ImageSpec {
  std::string name;  // "" = the executor's default image
  std::optional<std::vector<std::string>> entrypoint;  // [""] clears the image's entrypoint
  std::vector<std::string> pull_policy;  // from the job; must be allowed by config
  std::string platform;
  std::string user;
};

// A service container of the job (docker executors): `services:` of the job and
// [[runners.docker.services]] of the config, names and aliases already expanded.
struct ServiceSpec {
  std::string name;   // image
  std::string alias;  // "" or several, separated by spaces or commas
  std::optional<std::vector<std::string>> entrypoint;
  std::vector<std::string> command;
  std::vector<std::string> env;  // "KEY=VALUE": the job's public variables, then the service's
  std::vector<std::string> pull_policy;
  std::string platform;
  std::string user;
  bool from_config = false;  // [[runners.docker.services]]: exempt from allowed_services
};

// A DOCKER_AUTH_CONFIG value and where it came from ("job variable", "[[runners]]
// environment", "manager environment"), named in errors about it.
struct DockerAuthSource {
  std::string source;
  std::string json;
};

struct PrepareRequest {
  int64_t job_id = 0;
  int64_t project_id = 0;
  std::string runner_short_token;
  std::string system_id;  // the manager's (labels what a job leaves on a shared host)
  int concurrent_id = 0;
  ImageSpec image;
  // Registry credentials (type "registry") for image pulls: url -> (user, password).
  std::map<std::string, std::pair<std::string, std::string>> registry_auth;
  // DOCKER_AUTH_CONFIG, the first found of the job's variable and the runner's environment
  // (empty: none); they come before ~/.docker/config.json and registry_auth.
  std::vector<DockerAuthSource> docker_auth;
  // Config services first, then the job's (executors without services ignore them).
  std::vector<ServiceSpec> services;
  bool network_per_build = false;  // FF_NETWORK_PER_BUILD: a job network even without services
  // GIT_STRATEGY=fetch: the builds dir may outlive the job (docker: a per-project volume),
  // so the next job of the project fetches into the clone it left.
  bool keep_builds = false;
};

struct RunRequest {
  std::string stage;   // "get_sources", "step_script", "after_script", ...
  bool user_script = true;  // true: the job's own commands (job image); false: runner
                            // work such as git, cache and artifacts (helper environment)
  std::string script;  // a complete script for Shell()
  // Runner work only: false when plain POSIX sh is enough (no git, no helper program), so
  // an executor may run it where the job's scripts run and spare an environment.
  bool needs_helper_tools = true;
};

class Executor {
 public:
  virtual ~Executor() = default;

  // "shell", "docker", ...: the name printed in 'Preparing the "<name>" executor'.
  virtual std::string Name() const = 0;
  // The shell the scripts are written for: "bash" or "sh".
  virtual std::string Shell() const = 0;
  // The builds root as seen by the scripts (e.g. "/builds" in a container).
  virtual std::string BuildsRoot() const = 0;
  // True when the host is shared between jobs (shell): project dirs then include the
  // short token and concurrent id, and CI_SHARED_ENVIRONMENT is set.
  virtual bool SharedEnvironment() const = 0;

  // Sets up the environment (pull the image, create containers...). Progress lines go to
  // `out`. On failure the job fails as a system failure; Cleanup is still called.
  virtual util::Status Prepare(const PrepareRequest& req, OutputSink& out,
                               const util::CancelToken& cancel) = 0;

  // Runs one script to completion. Returns its exit code (0 = success). Returns
  // Status kCancelled when `cancel` fired (the script's processes are gone by then),
  // or another non-OK Status for a system failure (the environment broke).
  virtual util::Result<int> Run(const RunRequest& req, OutputSink& out,
                                const util::CancelToken& cancel) = 0;

  // Removes everything Prepare made (containers, temp files). Always called once.
  // Idempotent; must not throw.
  virtual void Cleanup() = 0;
};

}  // namespace executor
