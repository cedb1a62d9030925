#include "job/job_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "config/duration.h"
#include "gitlab/failure_reason.h"
#include "gitlab/runner_info.h"
#include "gitlab/token.h"
#include "job/job_cleanup.h"
#include "job/script_builder.h"
#include "job/stage_gate.h"
#include "job/trace_buffer.h"
#include "job/transfer_stages.h"
#include "job/variables.h"
#include "util/version.h"

namespace job {

namespace {

using Why = StageGate::Why;

// The project path: job_info.project_full_path, else the repository URL's path.
std::string ProjectPath(const gitlab::JobPayload& job) {
  std::string p = job.job_info.project_full_path;
  if (p.empty()) {
    std::string url = StripUrlCredentials(job.git_info.repo_url);
    size_t scheme = url.find("://");
    size_t start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    p = start == std::string::npos ? "" : url.substr(start + 1);
    if (p.size() > 4 && p.compare(p.size() - 4, 4, ".git") == 0) p.resize(p.size() - 4);
  }
  // Never let a path from the payload climb out of the builds root.
  std::string clean;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find('/', i);
    if (j == std::string::npos) j = p.size();
    std::string seg = p.substr(i, j - i);
    if (!seg.empty() && seg != "." && seg != "..") clean += (clean.empty() ? "" : "/") + seg;
    i = j + 1;
  }
  if (clean.empty()) clean = "project-" + std::to_string(job.job_info.project_id);
  return clean;
}

// Fails the deadline watcher's wait early when the job ends first.
class Deadline {
 public:
  Deadline(util::Duration limit, std::function<void()> on_expiry)
      : thread_([this, limit, f = std::move(on_expiry)] {
          std::unique_lock<std::mutex> l(mu_);
          if (!cv_.wait_for(l, limit, [&] { return done_; })) {
            l.unlock();
            f();
          }
        }) {}
  ~Deadline() {
    {
      std::lock_guard<std::mutex> l(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: starts after the members above exist
};

std::string Heading(const std::string& stage) {
  if (stage == "after_script") return "Running after_script";
  return "Executing \"" + stage + "\" stage of the job script";
}

}  // namespace

std::string ProjectDir(const gitlab::JobPayload& job, const std::string& builds_root, bool shared,
                       const std::string& short_token, int concurrent_id) {
  std::string root = builds_root;
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  std::string dir = root + "/";
  if (shared) dir += short_token + "/" + std::to_string(concurrent_id) + "/";
  return dir + ProjectPath(job);
}

JobRunner::JobRunner(JobRunnerParams params, JobChannel& channel, executor::Executor& executor,
                     const util::Clock& clock)
    : p_(std::move(params)), channel_(channel), executor_(executor), clock_(clock) {}

bool JobRunner::CleanUp(int64_t job_id, const std::string& script, TraceBuffer& trace) {
  trace.SectionStart("cleanup_file_variables", "Cleaning up project directory and file based variables");
  std::string err = RunJobCleanup(executor_, script, trace);
  if (!err.empty()) {
    trace.Warning("Cleaning up file based variables failed: " + err);
    spdlog::warn("Job {}: its file variables and temp files could not be removed: {}", job_id, err);
  }
  trace.SectionEnd("cleanup_file_variables");
  return err.empty();
}

JobOutcome JobRunner::Run(const util::CancelToken& interrupt) {
  const gitlab::JobPayload& job = p_.payload;
  const config::RunnerConfig& runner = p_.runner;
  JobOutcome outcome;
  std::string short_token = gitlab::ShortToken(runner.token);

  RunnerContext ctx;
  ctx.short_token = short_token;
  ctx.builds_dir = executor_.BuildsRoot();
  ctx.shared_environment = executor_.SharedEnvironment();
  ctx.project_dir = ProjectDir(job, ctx.builds_dir, ctx.shared_environment, short_token, p_.concurrent_id);
  ctx.concurrent_id = p_.concurrent_id;
  ctx.runner_version = util::kVersion;
  ctx.runner_revision = util::kRevision;
  ctx.executable_arch = std::string("linux/") + gitlab::BuildArchitecture();
  JobVariables vars = JobVariables::Build(job, runner, ctx);

  MaskerOptions masking;
  masking.values = vars.MaskedValues();
  masking.extra_prefixes = job.features.token_mask_prefixes;
  int64_t limit = int64_t{runner.output_limit > 0 ? runner.output_limit : 4096} * 1024;
  TraceBuffer trace(masking, limit, clock_);

  // Two-phase acknowledgement; also tells GitLab we are alive. GitLab keeps a job that
  // was not acknowledged for 2 minutes and then gives it to another runner: a failed
  // answer is retried for about half a minute, then the job is dropped rather than run twice.
  UpdateAck ack = channel_.UpdateState(JobState{"running", "", 0, "", 0});
  for (int attempt = 0; ack.kind == UpdateAck::Kind::kFailed && attempt < 5; ++attempt) {
    if (interrupt.WaitFor(std::chrono::seconds(1 << attempt))) break;
    ack = channel_.UpdateState(JobState{"running", "", 0, "", 0});
  }
  if (ack.kind == UpdateAck::Kind::kFailed) {
    spdlog::warn("Job {}: could not acknowledge it to GitLab; dropping it (GitLab gives it out again)", job.id);
    executor_.Cleanup();
    outcome.dropped = true;
    return outcome;
  }
  if (ack.kind == UpdateAck::Kind::kAbort || ack.kind == UpdateAck::Kind::kNotFound) {
    spdlog::warn("Job {}: GitLab refused the acknowledgement ({}); dropping it", job.id,
                 ack.job_status.empty() ? "403/404" : ack.job_status);
    executor_.Cleanup();
    outcome.dropped = true;
    return outcome;
  }

  auto gate = std::make_shared<StageGate>();
  if (ack.job_status == "canceling") gate->CancelScript(Why::kCanceled, "canceled");
  interrupt.OnCancel([gate] { gate->Abort(Why::kInterrupted, "the runner is shutting down"); });

  TraceSenderOptions topt = p_.trace;
  topt.final_update_retry_limit = runner.job_status_final_update_retry_limit;
  topt.on_canceling = [gate] { gate->CancelScript(Why::kCanceled, "canceled"); };
  topt.on_abort = [gate](const std::string& why) { gate->Abort(Why::kAbort, why); };
  TraceSender sender(channel_, trace, topt);
  sender.Start();

  trace.Print(std::string("Running with spotrunner ") + util::kVersion + " (" + util::kRevision + ")");
  trace.Print("  on " + runner.name + " " + short_token + ", system ID: " + p_.system_id);

  int64_t timeout_s = job.runner_info.timeout > 0 ? job.runner_info.timeout : kDefaultJobTimeoutSeconds;
  util::Duration timeout = std::chrono::seconds(timeout_s);
  std::string failure;  // internal failure reason; "" while the job is fine
  std::string error_line;
  int exit_code = 0;

  auto system_failure = [&](const std::string& msg) {
    if (failure.empty()) {
      failure = std::string(gitlab::kRunnerSystemFailure);
      error_line = "Job failed (system failure): " + msg;
    }
  };

  // Payload checks the executor needs before anything runs (gitlab-runner exits 3).
  if (job.image && !job.image->unsupported_docker_opts.empty() && executor_.Name() == "docker") {
    std::string opts;
    for (const auto& o : job.image->unsupported_docker_opts) opts += (opts.empty() ? "" : " ") + o;
    system_failure("Unsupported \"image\" options [" + opts + "] for \"docker executor\"; supported options are [platform user]");
    exit_code = 3;
  }
  if (failure.empty() && !job.run.empty()) {
    system_failure("this runner does not run CI steps (\"run:\" jobs); use \"script:\"");
    exit_code = 3;
  }

  // Built after prepare_executor: the docker executor knows its shell only then. Runner
  // work (git, cleanup) is written for POSIX sh, which every helper environment has.
  std::optional<ScriptBuilder> user_scripts;
  bool stages_may_have_run = false;  // a stage script (which writes file variables) may have run
  std::optional<ScriptBuilder> helper_scripts;

  // Runs one stage script; returns its exit code or a non-OK status (system failure or
  // cancellation), reported through `failure` by the caller.
  auto run_stage = [&](const std::string& name, bool user_script, const std::string& script, bool script_step,
                       bool helper_tools = true) -> util::Result<int> {
    util::CancelToken& token = gate->Begin(script_step);
    util::Result<int> r = token.cancelled()
                              ? util::Result<int>(util::Status::Cancelled(gate->reason()))
                              : executor_.Run({name, user_script, script, helper_tools}, trace, token);
    gate->End();
    return r;
  };

  // The deadline covers every stage from here on.
  std::unique_ptr<Deadline> deadline;
  if (failure.empty()) {
    deadline = std::make_unique<Deadline>(timeout, [gate] { gate->CancelScript(Why::kTimeout, "timeout"); });
  }

  auto stage_failed = [&](const util::Result<int>& r, const std::string& stage) {
    if (r.ok()) {
      if (*r != 0 && failure.empty()) {
        failure = std::string(gitlab::kScriptFailure);
        exit_code = *r;
        error_line = "Job failed: exit code " + std::to_string(*r);
      }
      return *r != 0;
    }
    if (r.status().code() != util::Status::Code::kCancelled) system_failure(stage + ": " + r.status().message());
    return true;
  };

  // prepare_executor
  if (failure.empty() && gate->script_cancel() == Why::kNone) {
    trace.SectionStart("prepare_executor", "Preparing the \"" + executor_.Name() + "\" executor");
    executor::PrepareRequest req;
    req.job_id = job.id;
    req.project_id = job.job_info.project_id;
    req.runner_short_token = short_token;
    req.system_id = p_.system_id;
    req.concurrent_id = p_.concurrent_id;
    if (job.image) {
      req.image.name = vars.Expand(job.image->name);
      req.image.entrypoint = job.image->entrypoint;
      req.image.pull_policy = job.image->pull_policy;
      req.image.platform = job.image->docker_platform;
      req.image.user = job.image->docker_user;
    }
    for (const auto& c : job.credentials) {
      if (c.type == "registry") req.registry_auth[c.url] = {c.username, c.password};
    }
    const util::CancelToken& token = gate->Begin(false);
    util::Status s = executor_.Prepare(req, trace, token);
    gate->End();
    if (!s.ok() && s.code() != util::Status::Code::kCancelled) system_failure(s.message());
    stages_may_have_run = s.ok();
    trace.SectionEnd("prepare_executor");
  }
  user_scripts.emplace(job, vars, runner, executor_.Shell());
  helper_scripts.emplace(job, vars, runner, "sh");

  // get_sources
  if (failure.empty() && gate->abort() == Why::kNone && gate->script_cancel() == Why::kNone) {
    trace.SectionStart("get_sources", "Getting source from Git repository");
    int attempts = std::clamp(std::atoi(vars.GetOr("GET_SOURCES_ATTEMPTS", "1").c_str()), 1, 10);
    for (int a = 1; a <= attempts; ++a) {
      util::Result<int> r =
          run_stage("get_sources", false, helper_scripts->GetSources(), true, helper_scripts->GetSourcesNeedsGit());
      if (r.ok() && *r == 0) break;
      if (a == attempts || !r.ok() || gate->abort() != Why::kNone) {
        stage_failed(r, "get_sources");
        break;
      }
      trace.Warning("Retrying get_sources (attempt " + std::to_string(a + 1) + " of " + std::to_string(attempts) + ")");
    }
    trace.SectionEnd("get_sources");
  }

  // Cache and artifacts stages (job/transfer_stages.h): the helper program moves the bytes
  // on the job's side. Cache failures only warn; artifact failures fail the job.
  TransferSetup xfer(job, vars, runner, executor_.Name(), ctx.builds_dir, short_token, ProjectPath(job), timeout_s,
                     clock_);
  auto transfer_stage = [&](const std::string& stage, const std::string& heading, std::optional<ScriptBody> body,
                            bool fails_job, bool script_step) {
    if (!body) return;
    trace.SectionStart(stage, heading);
    if (!xfer.warning.empty() && stage.find("cache") != std::string::npos) trace.Warning(xfer.warning);
    util::Result<int> r = run_stage(stage, false, helper_scripts->Transfer(*body), script_step);
    if (fails_job) {
      stage_failed(r, stage);
    } else if (!r.ok() || *r != 0) {
      trace.Warning(stage + " failed, but the job continues: " +
                    (r.ok() ? "exit code " + std::to_string(*r) : r.status().message()));
    }
    trace.SectionEnd(stage);
  };
  if (failure.empty() && gate->abort() == Why::kNone && gate->script_cancel() == Why::kNone) {
    transfer_stage("restore_cache", "Restoring cache", RestoreCacheBody(xfer.ctx), false, true);
  }
  if (failure.empty() && gate->abort() == Why::kNone && gate->script_cancel() == Why::kNone) {
    transfer_stage("download_artifacts", "Downloading artifacts", DownloadArtifactsBody(xfer.ctx), true, true);
  }

  // Script steps (every step but after_script), each in its own stage.
  const gitlab::Step* after = nullptr;
  for (const auto& step : job.steps) {
    if (step.name == "after_script") {
      after = &step;
      continue;
    }
    bool ok_so_far = failure.empty() && gate->script_cancel() == Why::kNone;
    std::string when = step.when.empty() ? "on_success" : step.when;
    bool run = when == "always" || (when == "on_success" && ok_so_far) || (when == "on_failure" && !ok_so_far);
    if (!run || gate->abort() != Why::kNone) continue;
    if (!failure.empty() && failure == std::string(gitlab::kRunnerSystemFailure)) continue;
    std::string stage = "step_" + step.name;
    trace.SectionStart(stage, Heading(stage));
    util::Result<int> r = run_stage(stage, true, user_scripts->Step(step), true);
    stage_failed(r, stage);
    trace.SectionEnd(stage);
  }

  // Why the script part ended, for CI_JOB_STATUS and the final lines.
  Why cancel = gate->script_cancel();
  if (cancel == Why::kCanceled) {
    trace.Warning("script canceled externally (UI, API)");
  }

  // after_script: also after a failure, a timeout or a graceful cancel; not after an abort.
  if (after && !after->script.empty() && gate->abort() == Why::kNone &&
      failure != std::string(gitlab::kRunnerSystemFailure)) {
    std::string status = cancel == Why::kTimeout    ? "timedout"
                         : cancel == Why::kCanceled ? "canceled"
                         : failure.empty()          ? "success"
                                                    : "failed";
    trace.SectionStart("after_script", "Running after_script");
    util::Duration limit = std::chrono::minutes(5);
    if (auto v = vars.Get("RUNNER_AFTER_SCRIPT_TIMEOUT")) {
      auto d = config::ParseGoDuration(*v);
      if (d.ok() && d->count() > 0) limit = *d;
    }
    util::Result<int> r = util::Status::Internal("not run");
    {
      // after_script is not a script step: a graceful cancel or the job timeout does not
      // stop it, only its own limit (RUNNER_AFTER_SCRIPT_TIMEOUT) or an abort.
      util::CancelToken& token = gate->Begin(false);
      {
        Deadline after_deadline(limit, [&token] { token.Cancel("after_script timeout"); });
        r = executor_.Run({"after_script", true, user_scripts->AfterScript(*after, status)}, trace, token);
      }
      gate->End();
    }
    if (!r.ok() || *r != 0) {
      trace.Warning("after_script failed, but job will continue unaffected: " +
                    (r.ok() ? "exit code " + std::to_string(*r) : r.status().message()));
    }
    trace.SectionEnd("after_script");
  }

  // Saving the cache and uploading artifacts, for a job that ran to an end of its own.
  if (gate->abort() == Why::kNone && cancel != Why::kCanceled &&
      failure != std::string(gitlab::kRunnerSystemFailure)) {
    bool succeeded = failure.empty() && cancel == Why::kNone;
    if (succeeded) {
      transfer_stage("archive_cache", "Saving cache for successful job", ArchiveCacheBody(xfer.ctx, true), false, false);
      transfer_stage("upload_artifacts_on_success", "Uploading artifacts for successful job",
                     UploadArtifactsBody(xfer.ctx, true), true, false);
    } else {
      transfer_stage("archive_cache_on_failure", "Saving cache for failed job", ArchiveCacheBody(xfer.ctx, false), false,
                     false);
      transfer_stage("upload_artifacts_on_failure", "Uploading artifacts for failed job",
                     UploadArtifactsBody(xfer.ctx, false), false, false);
    }
  }

  deadline.reset();
  // File variables and temp files go at every end of the job, an abort included.
  if (stages_may_have_run) outcome.cleanup_failed = !CleanUp(job.id, helper_scripts->CleanupFileVariables(), trace);

  // The verdict, in the order gitlab-runner gives them precedence.
  Why abort = gate->abort();
  if (abort == Why::kInterrupted) {
    failure = std::string(gitlab::kRunnerSystemFailure);
    error_line = "Job failed (system failure): the runner was stopped while the job ran";
  } else if (abort == Why::kAbort) {
    failure = std::string(gitlab::kUnknownFailure);
    error_line = "Job failed: canceled";
  } else if (cancel == Why::kTimeout) {
    failure = std::string(gitlab::kJobExecutionTimeout);
    error_line = "Job failed: execution took longer than " + config::FormatGoDuration(timeout) + " seconds";
  } else if (cancel == Why::kCanceled) {
    failure = std::string(gitlab::kUnknownFailure);
    error_line = "Job failed: canceled";
  }
  if (failure.empty()) {
    trace.Info("Job succeeded");
  } else {
    trace.Error(error_line);
  }
  trace.Finish();
  sender.Stop();

  JobState final_state;
  final_state.state = failure.empty() ? "success" : "failed";
  final_state.failure_reason = failure.empty() ? "" : gitlab::MapFailureReason(failure, job.features.failure_reasons);
  final_state.exit_code = failure.empty() ? 0 : exit_code;
  final_state.checksum = trace.Checksum();
  final_state.bytesize = trace.Size();
  outcome.reported = sender.Finish(final_state);
  outcome.state = final_state.state;
  outcome.failure_reason = final_state.failure_reason;
  outcome.exit_code = final_state.exit_code;
  outcome.trace_bytes = final_state.bytesize;
  executor_.Cleanup();
  return outcome;
}

}  // namespace job
