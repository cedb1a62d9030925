#include "job/job_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "config/duration.h"
#include "config/feature_flags.h"
#include "gitlab/failure_reason.h"
#include "gitlab/runner_info.h"
#include "gitlab/token.h"
#include "job/clone_path.h"
#include "job/docker_auth_source.h"
#include "job/job_cleanup.h"
#include "job/script_builder.h"
#include "job/service_specs.h"
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

namespace {

// One job's run, one method per stage. The stages share the job's state (variables, trace,
// the gate that cancels them, the failure so far) through members; each stage decides from
// that state whether it runs.
class JobRun {
 public:
  JobRun(const JobRunnerParams& p, JobChannel& channel, executor::Executor& executor, const util::Clock& clock,
         const util::CancelToken& interrupt);

  JobOutcome Run();

 private:
  // Two-phase acknowledgement; false when the job must be dropped (nothing runs).
  bool Acknowledge();
  void StartTrace();
  // gitlab-runner's warnings about job variables this runner refuses or lacks:
  // CI_DEBUG_TRACE under debug_trace_disabled, feature flags it does not honour.
  void WarnAboutJobSettings();
  // Payload checks the executor needs before anything runs (gitlab-runner exits 3).
  void CheckPayload();

  void Prepare();
  void GetSources();
  void RestoreCache();
  void DownloadArtifacts();
  void StepScript();  // every step but after_script, each in its own stage
  void AfterScript();
  void ArchiveCache(bool succeeded);
  void UploadArtifacts(bool succeeded);
  void Cleanup();
  // The verdict, the last trace lines and the final update.
  JobOutcome Finish();

  // Nothing went wrong so far and nobody stopped the job.
  bool Healthy() const;
  // Runs one stage script; its exit code or a non-OK status (system failure or cancellation).
  util::Result<int> RunStage(const std::string& name, bool user_script, const std::string& script, bool script_step,
                             bool helper_tools = true);
  // Records a failed stage result; true when the stage failed.
  bool StageFailed(const util::Result<int>& r, const std::string& stage);
  void SystemFailure(const std::string& msg);
  // A cache or artifacts stage; cache failures only warn, artifact failures may fail the job.
  void TransferStage(const std::string& stage, const std::string& heading, std::optional<ScriptBody> body,
                     bool fails_job, bool script_step);

  const JobRunnerParams& p_;
  const gitlab::JobPayload& job_;
  const config::RunnerConfig& runner_;
  JobChannel& channel_;
  executor::Executor& executor_;
  const util::Clock& clock_;
  const util::CancelToken& interrupt_;

  std::string short_token_;
  RunnerContext ctx_;
  JobVariables vars_;
  std::unique_ptr<TraceBuffer> trace_;
  std::shared_ptr<StageGate> gate_ = std::make_shared<StageGate>();
  std::unique_ptr<TraceSender> sender_;

  int64_t timeout_s_ = 0;
  util::Duration timeout_{};
  std::string failure_;  // internal failure reason; "" while the job is fine
  std::string clone_path_error_;               // GIT_CLONE_PATH refused (clone_path.h)
  std::vector<std::string> settings_warnings_;  // runner settings that could not apply
  std::string error_line_;
  int exit_code_ = 0;
  Why cancel_ = Why::kNone;  // why the script part ended, for CI_JOB_STATUS and the final lines

  // Built after prepare_executor: the docker executor knows its shell only then. Runner
  // work (git, cleanup) is written for POSIX sh, which every helper environment has.
  std::optional<ScriptBuilder> user_scripts_;
  std::optional<ScriptBuilder> helper_scripts_;
  bool stages_may_have_run_ = false;  // a stage script (which writes file variables) may have run
  bool cleanup_failed_ = false;
  std::unique_ptr<TransferSetup> xfer_;
  std::unique_ptr<Deadline> deadline_;  // covers every stage from prepare on
};

JobRun::JobRun(const JobRunnerParams& p, JobChannel& channel, executor::Executor& executor, const util::Clock& clock,
               const util::CancelToken& interrupt)
    : p_(p),
      job_(p.payload),
      runner_(p.runner),
      channel_(channel),
      executor_(executor),
      clock_(clock),
      interrupt_(interrupt),
      short_token_(gitlab::ShortToken(p.runner.token)) {
  ctx_.short_token = short_token_;
  ctx_.builds_dir = executor_.BuildsRoot();
  ctx_.shared_environment = executor_.SharedEnvironment();
  ctx_.project_dir = ProjectDir(job_, ctx_.builds_dir, ctx_.shared_environment, short_token_, p_.concurrent_id);
  ctx_.concurrent_id = p_.concurrent_id;
  ctx_.runner_version = util::kVersion;
  ctx_.runner_revision = util::kRevision;
  ctx_.executable_arch = std::string("linux/") + gitlab::BuildArchitecture();
  if (!runner_.tls_ca_file.empty()) {
    std::ifstream ca(runner_.tls_ca_file, std::ios::binary);
    std::ostringstream pem;
    pem << ca.rdbuf();
    if (ca && !pem.str().empty()) {
      ctx_.tls_ca_pem = pem.str();
    } else {
      settings_warnings_.push_back("tls-ca-file \"" + runner_.tls_ca_file + "\" cannot be read: git and the helper " +
                                   "use the system's CAs");
    }
  }
  vars_ = JobVariables::Build(job_, runner_, ctx_);
  // GIT_CLONE_PATH may use the job's variables, so the default dir comes first.
  auto dir = ResolveProjectDir(vars_, runner_, ctx_.builds_dir, ctx_.project_dir);
  if (!dir.ok()) {
    clone_path_error_ = dir.status().message();
  } else if (*dir != ctx_.project_dir) {
    ctx_.project_dir = *dir;
    vars_ = JobVariables::Build(job_, runner_, ctx_);
  }

  MaskerOptions masking;
  masking.values = vars_.MaskedValues();
  masking.extra_prefixes = job_.features.token_mask_prefixes;
  int64_t limit = int64_t{runner_.output_limit > 0 ? runner_.output_limit : 4096} * 1024;
  trace_ = std::make_unique<TraceBuffer>(masking, limit, clock_, vars_.GetBool("FF_TIMESTAMPS", false));

  timeout_s_ = job_.runner_info.timeout > 0 ? job_.runner_info.timeout : kDefaultJobTimeoutSeconds;
  timeout_ = std::chrono::seconds(timeout_s_);
}

JobOutcome JobRun::Run() {
  if (!Acknowledge()) {
    executor_.Cleanup();
    JobOutcome dropped;
    dropped.dropped = true;
    return dropped;
  }
  StartTrace();
  CheckPayload();
  if (failure_.empty()) {
    deadline_ = std::make_unique<Deadline>(timeout_, [gate = gate_] { gate->CancelScript(Why::kTimeout, "timeout"); });
  }
  Prepare();
  GetSources();
  // Cache and artifacts stages (job/transfer_stages.h): the helper program moves the bytes
  // on the job's side.
  xfer_ = std::make_unique<TransferSetup>(job_, vars_, runner_, executor_.Name(), ctx_.builds_dir, short_token_,
                                          ProjectPath(job_), timeout_s_, clock_);
  RestoreCache();
  DownloadArtifacts();
  StepScript();
  cancel_ = gate_->script_cancel();
  if (cancel_ == Why::kCanceled) trace_->Warning("script canceled externally (UI, API)");
  AfterScript();
  // Saving the cache and uploading artifacts, for a job that ran to an end of its own.
  if (gate_->abort() == Why::kNone && cancel_ != Why::kCanceled &&
      failure_ != std::string(gitlab::kRunnerSystemFailure)) {
    bool succeeded = failure_.empty() && cancel_ == Why::kNone;
    ArchiveCache(succeeded);
    UploadArtifacts(succeeded);
  }
  deadline_.reset();
  Cleanup();
  return Finish();
}

bool JobRun::Acknowledge() {
  // GitLab keeps a job that was not acknowledged for 2 minutes and then gives it to
  // another runner: a failed answer is retried for about half a minute, then the job is
  // dropped rather than run twice. This also tells GitLab we are alive.
  UpdateAck ack = channel_.UpdateState(JobState{"running", "", 0, "", 0});
  for (int attempt = 0; ack.kind == UpdateAck::Kind::kFailed && attempt < 5; ++attempt) {
    if (interrupt_.WaitFor(std::chrono::seconds(1 << attempt))) break;
    ack = channel_.UpdateState(JobState{"running", "", 0, "", 0});
  }
  if (ack.kind == UpdateAck::Kind::kFailed) {
    spdlog::warn("Job {}: could not acknowledge it to GitLab; dropping it (GitLab gives it out again)", job_.id);
    return false;
  }
  if (ack.kind == UpdateAck::Kind::kAbort || ack.kind == UpdateAck::Kind::kNotFound) {
    spdlog::warn("Job {}: GitLab refused the acknowledgement ({}); dropping it", job_.id,
                 ack.job_status.empty() ? "403/404" : ack.job_status);
    return false;
  }
  if (ack.job_status == "canceling") gate_->CancelScript(Why::kCanceled, "canceled");
  return true;
}

void JobRun::StartTrace() {
  interrupt_.OnCancel([gate = gate_] { gate->Abort(Why::kInterrupted, "the runner is shutting down"); });
  TraceSenderOptions topt = p_.trace;
  topt.final_update_retry_limit = runner_.job_status_final_update_retry_limit;
  topt.on_canceling = [gate = gate_] { gate->CancelScript(Why::kCanceled, "canceled"); };
  topt.on_abort = [gate = gate_](const std::string& why) { gate->Abort(Why::kAbort, why); };
  sender_ = std::make_unique<TraceSender>(channel_, *trace_, topt);
  sender_->Start();

  trace_->Print(std::string("Running with spotrunner ") + util::kVersion + " (" + util::kRevision + ")");
  trace_->Print("  on " + runner_.name + " " + short_token_ + ", system ID: " + p_.system_id);
  WarnAboutJobSettings();
}

void JobRun::WarnAboutJobSettings() {
  for (const auto& w : settings_warnings_) trace_->Warning(w);
  if (runner_.debug_trace_disabled && vars_.GetBool("CI_DEBUG_TRACE", false)) {
    trace_->Warning("CI_DEBUG_TRACE: usage is disabled on this Runner");
  }
  // Feature flags the job sets as variables, each once (the last definition wins).
  std::set<std::string> seen;
  for (auto it = job_.variables.rbegin(); it != job_.variables.rend(); ++it) {
    if (it->key.rfind("FF_", 0) != 0 || !seen.insert(it->key).second) continue;
    std::optional<bool> value = ParseGoBool(it->value);
    if (!value) continue;
    if (auto problem = config::FeatureFlagProblem(it->key, *value)) trace_->Warning(it->key + " " + *problem);
  }
}

void JobRun::CheckPayload() {
  if (!clone_path_error_.empty() && failure_.empty()) {
    // A build error in gitlab-runner: the job's own settings, not the runner, are wrong.
    failure_ = std::string(gitlab::kScriptFailure);
    error_line_ = "Job failed: " + clone_path_error_;
    return;
  }
  if (job_.image && !job_.image->unsupported_docker_opts.empty() && executor_.Name() == "docker") {
    std::string opts;
    for (const auto& o : job_.image->unsupported_docker_opts) opts += (opts.empty() ? "" : " ") + o;
    SystemFailure("Unsupported \"image\" options [" + opts +
                  "] for \"docker executor\"; supported options are [platform user]");
    exit_code_ = 3;
  }
  if (failure_.empty() && !job_.run.empty()) {
    SystemFailure("this runner does not run CI steps (\"run:\" jobs); use \"script:\"");
    exit_code_ = 3;
  }
}

bool JobRun::Healthy() const {
  return failure_.empty() && gate_->abort() == Why::kNone && gate_->script_cancel() == Why::kNone;
}

void JobRun::SystemFailure(const std::string& msg) {
  if (failure_.empty()) {
    failure_ = std::string(gitlab::kRunnerSystemFailure);
    error_line_ = "Job failed (system failure): " + msg;
  }
}

util::Result<int> JobRun::RunStage(const std::string& name, bool user_script, const std::string& script,
                                   bool script_step, bool helper_tools) {
  util::CancelToken& token = gate_->Begin(script_step);
  util::Result<int> r = token.cancelled()
                            ? util::Result<int>(util::Status::Cancelled(gate_->reason()))
                            : executor_.Run({name, user_script, script, helper_tools}, *trace_, token);
  gate_->End();
  return r;
}

bool JobRun::StageFailed(const util::Result<int>& r, const std::string& stage) {
  if (r.ok()) {
    if (*r != 0 && failure_.empty()) {
      failure_ = std::string(gitlab::kScriptFailure);
      exit_code_ = *r;
      error_line_ = "Job failed: exit code " + std::to_string(*r);
    }
    return *r != 0;
  }
  if (r.status().code() != util::Status::Code::kCancelled) SystemFailure(stage + ": " + r.status().message());
  return true;
}

void JobRun::Prepare() {
  if (failure_.empty() && gate_->script_cancel() == Why::kNone) {
    trace_->SectionStart("prepare_executor", "Preparing the \"" + executor_.Name() + "\" executor");
    executor::PrepareRequest req;
    req.job_id = job_.id;
    req.project_id = job_.job_info.project_id;
    req.runner_short_token = short_token_;
    req.system_id = p_.system_id;
    req.concurrent_id = p_.concurrent_id;
    if (job_.image) {
      req.image.name = vars_.Expand(job_.image->name);
      req.image.entrypoint = job_.image->entrypoint;
      req.image.pull_policy = job_.image->pull_policy;
      req.image.platform = job_.image->docker_platform;
      req.image.user = job_.image->docker_user;
    }
    for (const auto& c : job_.credentials) {
      if (c.type == "registry") req.registry_auth[c.url] = {c.username, c.password};
    }
    if (auto auth = DockerAuthConfigSource(job_, runner_)) req.docker_auth.push_back(*auth);
    req.services = ServiceSpecs(job_, runner_, vars_);
    req.network_per_build = vars_.GetBool("FF_NETWORK_PER_BUILD", false);
    req.keep_builds = helper_scripts_ && helper_scripts_->GitStrategy() == "fetch";
    const util::CancelToken& token = gate_->Begin(false);
    util::Status s = executor_.Prepare(req, *trace_, token);
    gate_->End();
    if (!s.ok() && s.code() != util::Status::Code::kCancelled) SystemFailure(s.message());
    stages_may_have_run_ = s.ok();
    trace_->SectionEnd("prepare_executor");
  }
  user_scripts_.emplace(job_, vars_, runner_, executor_.Shell());
  helper_scripts_.emplace(job_, vars_, runner_, "sh");
}

void JobRun::GetSources() {
  if (!Healthy()) return;
  trace_->SectionStart("get_sources", "Getting source from Git repository");
  int attempts = std::clamp(std::atoi(vars_.GetOr("GET_SOURCES_ATTEMPTS", "1").c_str()), 1, 10);
  for (int a = 1; a <= attempts; ++a) {
    util::Result<int> r =
        RunStage("get_sources", false, helper_scripts_->GetSources(), true, helper_scripts_->GetSourcesNeedsGit());
    if (r.ok() && *r == 0) break;
    if (a == attempts || !r.ok() || gate_->abort() != Why::kNone) {
      StageFailed(r, "get_sources");
      break;
    }
    trace_->Warning("Retrying get_sources (attempt " + std::to_string(a + 1) + " of " + std::to_string(attempts) +
                    ")");
  }
  trace_->SectionEnd("get_sources");
}

void JobRun::TransferStage(const std::string& stage, const std::string& heading, std::optional<ScriptBody> body,
                           bool fails_job, bool script_step) {
  if (!body) return;
  trace_->SectionStart(stage, heading);
  if (!xfer_->warning.empty() && stage.find("cache") != std::string::npos) trace_->Warning(xfer_->warning);
  util::Result<int> r = RunStage(stage, false, helper_scripts_->Transfer(*body), script_step);
  if (fails_job) {
    StageFailed(r, stage);
  } else if (!r.ok() || *r != 0) {
    trace_->Warning(stage + " failed, but the job continues: " +
                    (r.ok() ? "exit code " + std::to_string(*r) : r.status().message()));
  }
  trace_->SectionEnd(stage);
}

void JobRun::RestoreCache() {
  if (!Healthy()) return;
  TransferStage("restore_cache", "Restoring cache", RestoreCacheBody(xfer_->ctx), false, true);
}

void JobRun::DownloadArtifacts() {
  if (!Healthy()) return;
  TransferStage("download_artifacts", "Downloading artifacts", DownloadArtifactsBody(xfer_->ctx), true, true);
}

void JobRun::StepScript() {
  for (const auto& step : job_.steps) {
    if (step.name == "after_script") continue;
    bool ok_so_far = failure_.empty() && gate_->script_cancel() == Why::kNone;
    std::string when = step.when.empty() ? "on_success" : step.when;
    bool run = when == "always" || (when == "on_success" && ok_so_far) || (when == "on_failure" && !ok_so_far);
    if (!run || gate_->abort() != Why::kNone) continue;
    if (!failure_.empty() && failure_ == std::string(gitlab::kRunnerSystemFailure)) continue;
    std::string stage = "step_" + step.name;
    trace_->SectionStart(stage, Heading(stage));
    util::Result<int> r = RunStage(stage, true, user_scripts_->Step(step), true);
    StageFailed(r, stage);
    trace_->SectionEnd(stage);
  }
}

void JobRun::AfterScript() {
  const gitlab::Step* after = nullptr;
  for (const auto& step : job_.steps) {
    if (step.name == "after_script") after = &step;
  }
  // Also after a failure, a timeout or a graceful cancel; not after an abort.
  if (!after || after->script.empty() || gate_->abort() != Why::kNone ||
      failure_ == std::string(gitlab::kRunnerSystemFailure)) {
    return;
  }
  std::string status = cancel_ == Why::kTimeout    ? "timedout"
                       : cancel_ == Why::kCanceled ? "canceled"
                       : failure_.empty()          ? "success"
                                                   : "failed";
  trace_->SectionStart("after_script", "Running after_script");
  util::Duration limit = std::chrono::minutes(5);
  if (auto v = vars_.Get("RUNNER_AFTER_SCRIPT_TIMEOUT")) {
    auto d = config::ParseGoDuration(*v);
    if (d.ok() && d->count() > 0) limit = *d;
  }
  util::Result<int> r = util::Status::Internal("not run");
  {
    // after_script is not a script step: a graceful cancel or the job timeout does not
    // stop it, only its own limit (RUNNER_AFTER_SCRIPT_TIMEOUT) or an abort.
    util::CancelToken& token = gate_->Begin(false);
    {
      Deadline after_deadline(limit, [&token] { token.Cancel("after_script timeout"); });
      r = executor_.Run({"after_script", true, user_scripts_->AfterScript(*after, status)}, *trace_, token);
    }
    gate_->End();
  }
  if (!r.ok() || *r != 0) {
    trace_->Warning("after_script failed, but job will continue unaffected: " +
                    (r.ok() ? "exit code " + std::to_string(*r) : r.status().message()));
  }
  trace_->SectionEnd("after_script");
}

void JobRun::ArchiveCache(bool succeeded) {
  if (succeeded) {
    TransferStage("archive_cache", "Saving cache for successful job", ArchiveCacheBody(xfer_->ctx, true), false,
                  false);
  } else {
    TransferStage("archive_cache_on_failure", "Saving cache for failed job", ArchiveCacheBody(xfer_->ctx, false),
                  false, false);
  }
}

void JobRun::UploadArtifacts(bool succeeded) {
  if (succeeded) {
    TransferStage("upload_artifacts_on_success", "Uploading artifacts for successful job",
                  UploadArtifactsBody(xfer_->ctx, true), true, false);
  } else {
    TransferStage("upload_artifacts_on_failure", "Uploading artifacts for failed job",
                  UploadArtifactsBody(xfer_->ctx, false), false, false);
  }
}

// Cleanup of file variables and credentials, unless the job was aborted.
// File variables and temp files go at every end of the job, an abort included
// (job/job_cleanup.h: its own bounded token, not the job's).
void JobRun::Cleanup() {
  if (!stages_may_have_run_) return;
  trace_->SectionStart("cleanup_file_variables", "Cleaning up project directory and file based variables");
  std::string err = RunJobCleanup(executor_, helper_scripts_->CleanupFileVariables(), *trace_);
  if (!err.empty()) {
    trace_->Warning("Cleaning up file based variables failed: " + err);
    spdlog::warn("Job {}: its file variables and temp files could not be removed: {}", job_.id, err);
  }
  trace_->SectionEnd("cleanup_file_variables");
  cleanup_failed_ = !err.empty();
}

JobOutcome JobRun::Finish() {
  // The verdict, in the order gitlab-runner gives them precedence.
  Why abort = gate_->abort();
  if (abort == Why::kInterrupted) {
    failure_ = std::string(gitlab::kRunnerSystemFailure);
    error_line_ = "Job failed (system failure): the runner was stopped while the job ran";
  } else if (abort == Why::kAbort) {
    failure_ = std::string(gitlab::kUnknownFailure);
    error_line_ = "Job failed: canceled";
  } else if (cancel_ == Why::kTimeout) {
    failure_ = std::string(gitlab::kJobExecutionTimeout);
    error_line_ = "Job failed: execution took longer than " + config::FormatGoDuration(timeout_) + " seconds";
  } else if (cancel_ == Why::kCanceled) {
    failure_ = std::string(gitlab::kUnknownFailure);
    error_line_ = "Job failed: canceled";
  }
  if (failure_.empty()) {
    trace_->Info("Job succeeded");
  } else {
    trace_->Error(error_line_);
  }
  trace_->Finish();
  sender_->Stop();

  JobState final_state;
  final_state.state = failure_.empty() ? "success" : "failed";
  final_state.failure_reason = failure_.empty() ? "" : gitlab::MapFailureReason(failure_, job_.features.failure_reasons);
  final_state.exit_code = failure_.empty() ? 0 : exit_code_;
  final_state.checksum = trace_->Checksum();
  final_state.bytesize = trace_->Size();
  JobOutcome outcome;
  outcome.reported = sender_->Finish(final_state);
  outcome.state = final_state.state;
  outcome.failure_reason = final_state.failure_reason;
  outcome.exit_code = final_state.exit_code;
  outcome.trace_bytes = final_state.bytesize;
  outcome.cleanup_failed = cleanup_failed_;
  executor_.Cleanup();
  return outcome;
}

}  // namespace

JobOutcome JobRunner::Run(const util::CancelToken& interrupt) {
  JobRun run(p_, channel_, executor_, clock_, interrupt);
  return run.Run();
}

}  // namespace job
