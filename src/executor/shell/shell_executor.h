#pragma once
// The shell executor: runs each stage script on this host as the runner's user, like
// gitlab-runner's "shell" executor. Each Run writes the script to a file in a private
// temp dir (mode 0700, removed right after) and starts `<shell> <file>` in a new session
// (its own process group) with a clean environment (PATH, HOME, USER, LOGNAME, LANG,
// LC_ALL, TZ, TMPDIR only: nothing of the runner's own), stdin from /dev/null and stdout
// and stderr merged through one pipe streamed to the OutputSink as it comes. When the
// script ends, what it left running in its process group is killed.
// With a job user (`run --user`, or `user` in config.toml), as gitlab-runner's `su`: the
// script runs in a login shell as that user, with its groups, home and name in the
// environment; the manager (root) keeps config.toml and its own environment to itself.
//
// Thread safety: as executor::Executor (one job; Cancel from any thread).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "executor/executor.h"

namespace executor {

class ShellExecutor final : public Executor {
 public:
  // `runner`: shell ("sh" forces sh; otherwise bash when found in PATH, else sh) and
  // builds_dir ("" = "<working_dir>/builds"). `working_dir`: where scripts start.
  // `job_user`: the user scripts run as ("" = the manager's own user).
  ShellExecutor(const config::RunnerConfig& runner, std::string working_dir, std::string job_user = "");
  ~ShellExecutor() override;
  ShellExecutor(const ShellExecutor&) = delete;
  ShellExecutor& operator=(const ShellExecutor&) = delete;

  std::string Name() const override { return "shell"; }
  std::string Shell() const override { return shell_; }
  std::string BuildsRoot() const override { return builds_root_; }
  bool SharedEnvironment() const override { return true; }

  // Makes the temp dir (and the builds dir when missing; both the job user's) and prints
  // "Using Shell (<shell>) executor...". kInvalidArgument when the job user does not exist
  // or the manager cannot switch to it (not root).
  util::Status Prepare(const PrepareRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  // Returns the script's exit code (128+N when killed by signal N); kCancelled after
  // killing the whole process group (SIGTERM, then SIGKILL after the grace period);
  // kInternal/kIOError when the process could not be started.
  util::Result<int> Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) override;
  void Cleanup() override;

  // Time between SIGTERM and SIGKILL on cancel. Default 2 s.
  void set_kill_grace(std::chrono::milliseconds d) { kill_grace_ = d; }

 private:
  util::Status EnsureTempDir();
  util::Status ResolveJobUser();

  struct JobUser {
    std::string name, home;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
  };

  std::string shell_;       // "bash" or "sh"
  std::string shell_path_;  // absolute path of the shell binary
  std::string builds_root_;
  std::string working_dir_;
  std::string temp_dir_;    // "" until made
  std::string job_user_name_;
  std::optional<JobUser> job_user_;  // resolved by Prepare when job_user_name_ is set
  int script_seq_ = 0;
  std::chrono::milliseconds kill_grace_{2000};
};

// The absolute path of `name` found in `path_list` (":"-separated), or "" when absent.
std::string FindInPath(const std::string& name, const std::string& path_list);

}  // namespace executor
