#pragma once
// The docker executor: each stage runs in a fresh container, from the job's image for the
// job's own scripts and from the helper image for runner work (git, cache, artifacts).
// Both share per-job volumes for the builds root (and /cache), so what get_sources cloned
// is there in step_script. Scripts reach a container by PUT archive (never a bind mount
// of this host), output is streamed live through attach. Speaks only the Engine API over
// the dialer's streams, so the daemon may be local or behind an SSH channel.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "config/config.h"
#include "executor/docker/engine_client.h"
#include "executor/executor.h"
#include "util/byte_stream.h"

namespace executor::docker {

// The helper image used when [runners.docker] helper_image is empty (built by
// scripts/services.sh: busybox, git, bash).
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
  // Known after Prepare; "sh" before. The helper image must provide the same shell.
  std::string Shell() const override { return shell_; }
  // [[runners]] builds_dir, default "/builds".
  std::string BuildsRoot() const override;
  bool SharedEnvironment() const override { return false; }

  // Checks the daemon, makes the job image (req.image.name, else [runners.docker] image)
  // present per the pull policies and the helper image if not present, creates the
  // per-job volumes and detects the shell. Fails with kInvalidArgument when there is no
  // image or a pull policy is not allowed, kNotFound when an image cannot be had,
  // kUnavailable when the daemon does not answer, kCancelled when `cancel` fired.
  util::Status Prepare(const PrepareRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // Creates the stage's container, copies the script in, attaches, starts, streams the
  // output to `out` and returns the exit code. On cancel the container is killed at once
  // and kCancelled returned. The container is removed before Run returns.
  // REQUIRES: Prepare succeeded.
  util::Result<int> Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // Removes the containers and volumes this executor made. Idempotent.
  void Cleanup() override;

  // The labels every container and volume of this executor carries.
  const Labels& labels() const { return labels_; }
  EngineClient& engine() { return engine_; }

 private:
  util::Status CreateVolumes();
  util::Status DetectShell();
  util::Result<ContainerSpec> SpecFor(const RunRequest& req, const std::string& name);
  util::Result<int> RunContainer(const std::string& id, OutputSink& out, const util::CancelToken& cancel);
  void RemoveContainer(const std::string& id);

  config::RunnerConfig cfg_;
  std::unique_ptr<util::StreamDialer> dialer_;
  EngineClient engine_;
  PrepareRequest prep_;
  bool prepared_ = false;
  std::string shell_ = "sh";
  std::string instance_;   // random, names this executor's containers and volumes
  std::string job_image_;  // image ids
  std::string helper_image_;
  Labels labels_;
  std::vector<std::string> binds_;
  std::vector<std::string> volumes_;  // created, not yet removed
  std::set<std::string> containers_;  // created, not yet removed
  int runs_ = 0;
};

}  // namespace executor::docker
