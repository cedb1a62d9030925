#pragma once
// The docker executor: a job's stages run in two long-lived containers (stage_session.h),
// one from the job's image for the job's own scripts and one from the helper image for
// runner work (git, cache, artifacts), started when first needed. Runner work that plain
// sh can do runs in the job's container when it runs as root, so a job without sources,
// cache or artifacts starts one container. Both share per-job volumes for the builds root
// (and /cache), so what get_sources cloned is there in step_script. Scripts reach a
// container on its attached stdin (never a bind mount of this host), output is streamed
// live through attach. A job with services (services.cc) gets a network of its own that its
// containers and the services join, the services under their aliases. Speaks only the Engine API over the dialer's streams, so the daemon may
// be local or behind an SSH channel.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "executor/docker/abort_handle.h"
#include "executor/docker/engine_client.h"
#include "executor/docker/registry_credentials.h"
#include "executor/docker/stage_session.h"
#include "executor/executor.h"
#include "util/byte_stream.h"

namespace executor::docker {

// The helper image used when [runners.docker] helper_image is empty (busybox, git, bash and
// spotrunner; built by scripts/services.sh on a test host, shipped as a docker-save archive
// by the package). In no registry: the manager loads it onto fleet instances
// (helper_delivery.h).
inline constexpr char kDefaultHelperImage[] = "spotrunner-helper:local";

// One job; not thread-safe, except that Run's CancelToken may fire from another thread.
class DockerExecutor final : public Executor {
 public:
  // `cfg` is copied. `dialer` reaches the daemon (see docker_host.h).
  DockerExecutor(const config::RunnerConfig& cfg, std::unique_ptr<util::StreamDialer> dialer);
  ~DockerExecutor() override;  // runs Cleanup
  DockerExecutor(const DockerExecutor&) = delete;
  DockerExecutor& operator=(const DockerExecutor&) = delete;

  std::string Name() const override { return "docker"; }
  // "bash" when the job image has /bin/bash, else "sh" (also when [[runners]] shell = "sh").
  // Known after Prepare; "sh" before. Runner work is written for sh in either container.
  std::string Shell() const override { return shell_; }
  // [[runners]] builds_dir, default "/builds".
  std::string BuildsRoot() const override;
  bool SharedEnvironment() const override { return false; }

  // Checks the allow-lists (allowed_images, allowed_services, allowed_users, pull policies)
  // before anything is made, checks the daemon, makes the job image (req.image.name, else
  // [runners.docker] image) present per the pull policies and the helper image if not
  // present, creates the job's network (when it has services and no network_mode is set) and
  // volumes, starts the services and waits for them, detects the shell and starts the job's
  // container. Fails with kInvalidArgument when there is no
  // image or a pull policy is not allowed, kNotFound when an image cannot be had,
  // kUnavailable when the daemon does not answer, kCancelled when `cancel` fired.
  util::Status Prepare(const PrepareRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // Runs the stage in the job's or the helper's container (started on first use, and
  // again after a cancel killed it), streams the output to `out` and returns the exit
  // code. On cancel the container is killed at once and kCancelled returned.
  // REQUIRES: Prepare succeeded.
  util::Result<int> Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // Removes the containers, network and volumes this executor made. Idempotent.
  void Cleanup() override;

  // The labels every container and volume of this executor carries.
  const Labels& labels() const { return labels_; }
  EngineClient& engine() { return engine_; }

 private:
  struct RunningService {
    std::string id;
    std::string name;  // container name
    std::vector<std::string> ips;
    std::vector<int> ports;  // exposed TCP ports to wait for
  };

  // "spotrunner-<short token>-<job id>-<instance>": names this executor's objects.
  std::string BaseName() const;
  util::Status CreateVolumes();
  // The X-Registry-Auth value for pulling `image` ("" = none) from registry_credentials.h;
  // an error names the credential source or helper that failed.
  util::Result<std::string> PullAuth(const std::string& image) const;
  // services.cc
  util::Status CheckAllowLists(OutputSink& out);
  util::Status CreateNetwork();
  // The network the job's containers join: the job's own, else [runners.docker] network_mode.
  std::string NetworkMode() const;
  util::Status StartServices(OutputSink& out, const util::CancelToken& cancel, AbortHandle* abort);
  void WaitForServices(const std::vector<RunningService>& services, OutputSink& out, const util::CancelToken& cancel);
  void WaitForService(const RunningService& svc, std::chrono::seconds timeout, OutputSink& out,
                      const util::CancelToken& cancel);
  util::Status HealthCheck(const RunningService& svc, std::chrono::seconds timeout, const util::CancelToken& cancel,
                           std::string* logs, bool* ran);
  // Both streams of a container's log with timestamps, at most 64 KiB, trimmed.
  std::string ContainerLogs(const std::string& id);

  // The running session for the job's image or the helper's; starts one when needed.
  util::Result<StageSession*> Session(bool job_image);
  util::Result<ContainerSpec> SpecFor(bool job_image);
  void RemoveContainer(const std::string& id);

  config::RunnerConfig cfg_;
  std::unique_ptr<util::StreamDialer> dialer_;
  EngineClient engine_;
  PrepareRequest prep_;
  std::optional<RegistryCredentials> credentials_;  // loaded by Prepare
  bool prepared_ = false;
  std::string shell_ = "sh";
  std::string instance_;   // random, names this executor's containers and volumes
  std::string job_image_;  // image ids
  std::string helper_image_;
  Labels labels_;
  std::vector<std::string> binds_;
  std::vector<std::string> volumes_;  // created, not yet removed
  std::string network_;     // the job's network name, "" = none
  std::string network_id_;  // created, not yet removed
  std::set<std::string> containers_;  // created, not yet removed
  std::unique_ptr<StageSession> job_session_, helper_session_;
  bool job_inspected_ = false;  // user and shell known
  bool job_runs_as_root_ = true;
  int containers_made_ = 0;  // numbers container names
};

}  // namespace executor::docker
