#pragma once
// The `instance` executor (gitlab-runner's name for shell jobs on autoscaled instances):
// each stage script runs on the instance itself, over a connect::Connection, never on
// this host. Per stage, one Exec uploads the script into a private temp dir on the
// instance (mode 0700) and a second one runs it with bash (else sh) in its own session,
// stdin from /dev/null; what the script leaves running in its session is killed when it
// ends. Cancel kills that session (SIGTERM, then SIGKILL after a grace period) through a
// third Exec, so it works whatever the transport does with an abandoned command.
//
// Thread safety: as executor::Executor (one job; Run's CancelToken may fire from any thread).
#include <chrono>
#include <memory>
#include <string>

#include "config/config.h"
#include "connect/connection.h"
#include "executor/executor.h"

namespace executor {

class InstanceExecutor final : public Executor {
 public:
  // Probes the instance (home directory, bash present) and makes the temp dir there.
  // kUnavailable when the connection fails, kInternal when the probe's answer is not
  // understood. `runner`: shell ("sh" forces sh) and builds_dir ("" = "$HOME/builds" on
  // the instance).
  static util::Result<std::unique_ptr<InstanceExecutor>> Open(const config::RunnerConfig& runner,
                                                              std::shared_ptr<connect::Connection> conn);
  ~InstanceExecutor() override;  // runs Cleanup
  InstanceExecutor(const InstanceExecutor&) = delete;
  InstanceExecutor& operator=(const InstanceExecutor&) = delete;

  std::string Name() const override { return "instance"; }
  std::string Shell() const override { return shell_; }
  std::string BuildsRoot() const override { return builds_root_; }
  // Jobs may share an instance (capacity_per_instance > 1): per-job project dirs.
  bool SharedEnvironment() const override { return true; }

  util::Status Prepare(const PrepareRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // The script's exit code; kCancelled after killing its session; kUnavailable when the
  // connection broke; kIOError when the script could not be uploaded.
  util::Result<int> Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // Removes the temp dir on the instance (best effort, bounded by the transport's timeout).
  void Cleanup() override;

  void set_kill_grace(std::chrono::milliseconds d) { kill_grace_ = d; }
  const std::string& temp_dir() const { return temp_dir_; }

 private:
  explicit InstanceExecutor(std::shared_ptr<connect::Connection> conn);
  void KillSession(const std::string& pid_file);

  std::shared_ptr<connect::Connection> conn_;
  std::string shell_ = "sh";
  std::string builds_root_;
  std::string temp_dir_;  // on the instance; "" after Cleanup
  int script_seq_ = 0;
  std::chrono::milliseconds kill_grace_{2000};
};

// Quotes `s` for a POSIX shell command line ('...' with embedded quotes escaped).
std::string ShellQuote(const std::string& s);

}  // namespace executor
