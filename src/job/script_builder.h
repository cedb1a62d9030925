#pragma once
// Writes the complete shell script of each job stage, for bash or POSIX sh, the way
// gitlab-runner's bash shell writer does: every stage exports all variables (values
// single-quoted, never printed; file variables written to RUNNER_TEMP_PROJECT_DIR with
// mode 0600 and exported as their paths), runs with `set -e` (bash: `-eo pipefail`) so
// the first failing command ends the script with its exit code, and echoes each job
// command as "$ <command>" in bold green before running it.
//
// The job token stays out of the repository: the remote is stored without credentials
// and fetches read `url.<with credentials>.insteadOf <without>` rules, for every
// repository on the GitLab host (private submodules of the same instance), from a file
// in RUNNER_TEMP_PROJECT_DIR (outside the project dir), which is removed when the script
// ends, also on failure.
//
// Thread safety: const methods only; the referenced objects must outlive the builder.
#include <functional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "gitlab/job_payload.h"
#include "job/shell_writer.h"
#include "job/variables.h"

namespace job {


// `url` without "user[:password]@" in its authority ("https://host/p.git").
std::string StripUrlCredentials(std::string_view url);

class ScriptBuilder {
 public:
  // `shell`: "bash" or "sh" (executor::Executor::Shell()). The project dir is the
  // variables' CI_PROJECT_DIR.
  ScriptBuilder(const gitlab::JobPayload& job, const JobVariables& vars, const config::RunnerConfig& runner,
                std::string shell);

  // Stage get_sources: config then job pre_get_sources hooks, GIT_STRATEGY (clone, fetch,
  // none, empty; default fetch when allow_git_fetch, else clone), fetch with
  // git_info.refspecs/depth and GIT_FETCH_EXTRA_FLAGS (default "--prune --quiet"),
  // GIT_CHECKOUT (default true), GIT_CLEAN_FLAGS (default -ffdx; "none" skips),
  // GIT_SUBMODULE_STRATEGY (none, normal, recursive; another value fails the stage) with
  // GIT_SUBMODULE_PATHS, GIT_SUBMODULE_DEPTH (default: the fetch depth),
  // GIT_SUBMODULE_UPDATE_FLAGS and GIT_SUBMODULE_FORCE_HTTPS, then job and config
  // post_get_sources hooks. Git LFS as gitlab-runner: fetch and checkout run with
  // GIT_LFS_SKIP_SMUDGE=1, then `git lfs pull` (and in every submodule when they are
  // updated) with the job token, when `git lfs version` works; a job's GIT_LFS_SKIP_SMUDGE
  // true leaves the pointers.
  std::string GetSources() const;
  // Whether GetSources needs the helper environment: git for clone/fetch, or hooks an
  // administrator wrote for it. GIT_STRATEGY none/empty without hooks is plain sh.
  bool GetSourcesNeedsGit() const;
  // Stage step_<name>: config pre_build_script, the step's commands, config
  // post_build_script, in the project dir.
  std::string Step(const gitlab::Step& step) const;
  // Stage after_script with CI_JOB_STATUS=`job_status` (success, failed, canceled,
  // timedout), in the project dir.
  std::string AfterScript(const gitlab::Step& step, std::string_view job_status) const;
  // Stage cleanup_file_variables: removes the file variables, the credentials file and
  // the rest of RUNNER_TEMP_PROJECT_DIR (run at every end of a job: job/job_cleanup.h).
  std::string CleanupFileVariables() const;

  // A cache/artifacts stage (job/transfer_stages.h): the exports, cd to the project dir,
  // then `body`.
  std::string Transfer(const std::function<void(ShellWriter&)>& body) const;

  // CI_DEBUG_TRACE is true and [[runners]] debug_trace_disabled is not: every stage script
  // runs with shell tracing (the trace's masking still hides masked values).
  bool DebugTrace() const;

  // The trace section of command `index` of a user script called `prefix` ("script_step",
  // "after_script_step", ...) when FF_SCRIPT_SECTIONS is on and GitLab renders sections
  // (features.trace_sections); "" otherwise (ShellWriter::Command).
  std::string CommandSection(std::string_view prefix, size_t index) const;

  // Docker executors (docker, docker+machine, docker-autoscaler) unless
  // FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR: get_sources and the cache and artifacts stages
  // run under `umask 0000`, as gitlab-runner's helper does; job scripts do not.
  bool UmaskZero() const;

  // The URL git fetches the project from: GitLab's repo URL, or with [[runners]] clone_url
  // "<clone_url>/<CI_PROJECT_PATH>.git" (job token as user, as gitlab-runner builds it).
  std::string RemoteUrl() const;

  // The project dir and the effective GIT_STRATEGY, for the runner's messages.
  std::string ProjectDir() const;
  std::string GitStrategy() const;

 private:
  void WriteExports(ShellWriter& w, const JobVariables& vars) const;
  void WriteGitFetch(ShellWriter& w, const std::string& dir) const;
  void WriteCheckout(ShellWriter& w) const;
  void WriteSubmodules(ShellWriter& w, bool recursive) const;
  // The job set GIT_LFS_SKIP_SMUDGE true: LFS files stay pointers (no `git lfs pull`).
  bool LfsSmudgeDisabled() const;
  // The preamble; `helper_stage` (get_sources, cache, artifacts) adds umask 0000 when
  // UmaskZero().
  ShellWriter Writer(bool helper_stage) const;
  // CI_SERVER_URL without credentials ("https://host[:port][/root]").
  std::string ServerUrl() const;
  // clone_url when it is an http(s) URL, else ServerUrl().
  std::string CloneBase() const;
  // The git config included by get_sources' git commands: insteadOf rules giving the job
  // token to every repository under CloneBase() (and the server URL, and with
  // GIT_SUBMODULE_FORCE_HTTPS its SSH forms), and tls-ca-file as http.<base>.sslCAInfo.
  // "" when there is nothing to add.
  std::string GitConfigFile() const;
  // "git", or "git -c include.path=<credentials file>" when GitConfigFile() is not empty.
  std::string GitCommand() const;
  void WriteHook(ShellWriter& w, std::string_view name) const;
  std::string CredentialsFile() const;

  const gitlab::JobPayload& job_;
  const JobVariables& vars_;
  const config::RunnerConfig& runner_;
  std::string shell_;
};

}  // namespace job
