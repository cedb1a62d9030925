#include "manager/manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "config/parse.h"
#include "config/system_id.h"
#include "config/validate.h"
#include "manager/manager_entry.h"
#include "fleet/settings.h"
#include "gitlab/runner_info.h"
#include "gitlab/token.h"
#include "manager/fleet_factories.h"
#include "manager/fleet_runner.h"
#include "manager/poll_pacer.h"
#include "util/cancel.h"
#include "util/version.h"

namespace manager {

namespace {

std::chrono::seconds CheckInterval(const config::Config& c) {
  return std::chrono::seconds(c.check_interval > 0 ? c.check_interval : 3);
}

}  // namespace

Manager::Manager(ManagerOptions options, util::Clock& clock)
    : options_(std::move(options)), clock_(clock), launcher_(options_.launcher) {
  if (!launcher_) launcher_ = NewDefaultJobLauncher();
}

Manager::~Manager() {
  StopForceful();
  Wait();
  JoinEverything();
  if (collector_id_) registry_.RemoveCollector(collector_id_);
}

bool Manager::stopping() const { return stopping_; }

util::Status Manager::Start() {
  auto loaded = config::LoadConfigFile(options_.config_path);
  if (!loaded.ok()) return loaded.status();
  for (const auto& w : loaded->warnings) spdlog::warn("{}", w);
  auto id = config::LoadOrCreateSystemId(options_.config_path);
  if (!id.ok()) return id.status();
  {
    std::lock_guard<std::mutex> l(mu_);
    config_ = loaded->config;
    system_id_ = *id;
  }
  spdlog::info("Starting spotrunner with {} runner(s), concurrent={}, system ID: {}",
               loaded->config.runners.size(), loaded->config.concurrent, *id);
  StartMetrics(loaded->config);
  for (const auto& r : loaded->config.runners) {
    auto e = std::make_shared<Entry>();
    e->cfg = r;
    {
      std::lock_guard<std::mutex> l(mu_);
      entries_.push_back(e);
    }
    StartEntry(e);
  }
  watcher_ = std::thread([this] { WatchConfig(); });
  return util::Status::Ok();
}

void Manager::StartEntry(const std::shared_ptr<Entry>& e) {
  std::string who = "runner \"" + e->cfg.name + "\" (" + gitlab::ShortToken(e->cfg.token) + ")";
  util::Status supported = config::CheckRunnerSupported(e->cfg);
  if (supported.ok() && !CanRunExecutor(e->cfg.executor)) {
    supported = util::Status::Unimplemented("executor \"" + e->cfg.executor + "\" is not available in this runner");
  }
  std::unique_ptr<FleetRunner> fleet;
  if (supported.ok() && IsFleetExecutor(e->cfg.executor)) {
    auto f = StartFleet(e->cfg);
    if (f.ok()) {
      fleet = std::move(*f);
    } else {
      supported = f.status();
    }
  }
  if (!supported.ok()) {
    // Asking GitLab for jobs we cannot run would only fail them: this entry stays idle.
    spdlog::error("{}: {}; it will not take jobs", who, supported.message());
    return;
  }
  gitlab::ClientOptions copt;
  if (!e->cfg.tls_ca_file.empty()) copt.ca_file = e->cfg.tls_ca_file;
  if (!e->cfg.tls_cert_file.empty()) copt.cert_file = e->cfg.tls_cert_file;
  if (!e->cfg.tls_key_file.empty()) copt.key_file = e->cfg.tls_key_file;
  auto client = std::make_unique<gitlab::Client>(e->cfg.url, copt, clock_);
  if (!client->url_status().ok()) {
    spdlog::error("runner {} ({}): {}", e->cfg.name, gitlab::ShortToken(e->cfg.token), client->url_status().message());
  }
  int pollers = std::max(1, e->cfg.request_concurrency);
  std::lock_guard<std::mutex> l(mu_);
  e->client = std::move(client);
  e->fleet = std::move(fleet);
  for (int i = 0; i < pollers; ++i) {
    e->pollers.emplace_back([this, e] {
      PollLoop(e);
      std::lock_guard<std::mutex> done(mu_);
      ++e->pollers_exited;  // Wait joins it without blocking (see manager_shutdown.cc)
      cv_.notify_all();
    });
  }
}

bool Manager::TakeSlot(Entry& e, std::unique_lock<std::mutex>& l) {
  // Waits until a job could start on this entry; false when the entry should stop.
  for (;;) {
    if (stopping_ || e.removed) return false;
    bool global_ok = running_ < std::max(1, config_.concurrent);
    bool entry_ok = e.cfg.limit <= 0 || e.running < e.cfg.limit;
    bool healthy = clock_.Now() >= e.unhealthy_until;
    // Preemptive fleets: ask for a job only when a slot is (about to be) free.
    bool fleet_ok = !e.fleet || e.fleet->MayRequestJob();
    if (global_ok && entry_ok && healthy && fleet_ok) {
      ++running_;
      ++e.running;
      return true;
    }
    cv_.wait_for(l, healthy && fleet_ok ? CheckInterval(config_) : std::chrono::seconds(1));
  }
}

void Manager::ReleaseSlot(Entry& e, int concurrent_id) {
  std::lock_guard<std::mutex> l(mu_);
  --running_;
  --e.running;
  if (concurrent_id >= 0 && concurrent_id < static_cast<int>(e.concurrent_ids.size())) {
    e.concurrent_ids[concurrent_id] = false;
  }
  cv_.notify_all();
}

void Manager::PollLoop(std::shared_ptr<Entry> e) {
  PollPacer pacer(CheckInterval(config_));
  for (;;) {
    std::string last_update;
    config::RunnerConfig cfg;
    std::string system_id, job_user;
    {
      std::unique_lock<std::mutex> l(mu_);
      if (!TakeSlot(*e, l)) return;
      last_update = e->last_update;
      cfg = e->cfg;
      system_id = system_id_;
      job_user = options_.job_user.empty() ? config_.user : options_.job_user;
      pacer.set_check_interval(CheckInterval(config_));
      ++stats_.requests;
      ++e->requests_in_flight;
    }
    auto asked_at = std::chrono::steady_clock::now();
    gitlab::RequestJobResult r =
        e->client->RequestJob(cfg.token, system_id, last_update, RunnerVersionInfo(cfg), &e->poll_abort);
    auto took = std::chrono::steady_clock::now() - asked_at;
    bool got_job = false;
    {
      std::unique_lock<std::mutex> l(mu_);
      --e->requests_in_flight;
      // Pollers of one entry share the cursor: only an answer that carried one moves it.
      if (r.last_update != last_update) e->last_update = r.last_update;
      using K = gitlab::RequestJobResult::Kind;
      if (r.kind == K::kForbidden || r.kind == K::kClientError) {
        ++e->failures;
        spdlog::warn("runner {}: job request failed: {} ({} in a row)", gitlab::ShortToken(cfg.token),
                     r.message, e->failures);
        if (e->failures >= std::max(1, cfg.unhealthy_requests_limit)) {
          e->unhealthy_until = clock_.Now() + cfg.unhealthy_interval;
          e->failures = 0;
          spdlog::error("runner {} is unhealthy and will be disabled for {} s", gitlab::ShortToken(cfg.token),
                        std::chrono::duration_cast<std::chrono::seconds>(cfg.unhealthy_interval).count());
        }
      } else {
        e->failures = 0;
        if (r.kind == K::kFailed && !stopping_ && !e->removed) {
          spdlog::warn("runner {}: job request failed: {}", gitlab::ShortToken(cfg.token), r.message);
        }
      }
      got_job = r.kind == K::kJob && r.payload.has_value();
    }
    util::Duration wait = pacer.Next(r, last_update, took);
    if (!got_job) {
      ReleaseSlot(*e, -1);
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, wait, [&] { return stopping_ || e->removed; });
      continue;
    }
    JobTicket ticket;
    ticket.payload = std::move(*r.payload);
    ticket.runner = cfg;
    ticket.system_id = system_id;
    ticket.client = e->client.get();
    ticket.working_dir = options_.working_dir;
    ticket.job_user = job_user;
    ticket.fleet = e->fleet.get();
    StartJob(e, std::move(ticket));
    if (cfg.strict_check_interval) {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait_for(l, CheckInterval(config_), [&] { return stopping_ || e->removed; });
    }
  }
}

void Manager::StartJob(const std::shared_ptr<Entry>& e, JobTicket ticket) {
  auto job = std::make_shared<RunningJob>();
  job->id = ticket.payload.id;
  {
    std::lock_guard<std::mutex> l(mu_);
    // CI_CONCURRENT_ID: the lowest index free among this entry's running jobs.
    size_t i = 0;
    while (i < e->concurrent_ids.size() && e->concurrent_ids[i]) ++i;
    if (i == e->concurrent_ids.size()) e->concurrent_ids.push_back(false);
    e->concurrent_ids[i] = true;
    ticket.concurrent_id = static_cast<int>(i);
    jobs_[job->id] = job;
    ++stats_.jobs_started;
    if (forceful_) job->interrupt.Cancel("runner is shutting down");
  }
  spdlog::info("Job {} received (runner {}, concurrent id {})", job->id, gitlab::ShortToken(ticket.runner.token),
               ticket.concurrent_id);
  std::vector<std::string> labels = {gitlab::ShortToken(ticket.runner.token), ticket.runner.name, ticket.system_id};
  metrics_.jobs_total.Inc(labels);
  job->thread = std::thread([this, e, job, labels, t = std::move(ticket)]() {
    auto started = std::chrono::steady_clock::now();
    JobResult r = launcher_->RunJob(t, job->interrupt);
    metrics_.job_duration_seconds.Observe(
        labels, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (r.state == "failed") metrics_.failed_jobs_total.Inc({labels[0], labels[1], r.failure_reason});
    spdlog::info("Job {} finished", job->id);
    {
      std::lock_guard<std::mutex> l(mu_);
      job->done = true;
      ++stats_.jobs_finished;
    }
    ReleaseSlot(*e, t.concurrent_id);
  });
}

void Manager::ReapFinished() {
  std::vector<std::shared_ptr<RunningJob>> done;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      if (it->second->done) {
        done.push_back(it->second);
        it = jobs_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& j : done) {
    if (j->thread.joinable()) j->thread.join();
  }
}

void Manager::StopGraceful() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!stopping_) spdlog::info("Stopping: no new jobs; waiting for {} running job(s)", jobs_.size());
    stopping_ = true;
    AbortPollsLocked();
  }
  cv_.notify_all();
}

void Manager::AbortPollsLocked() {
  for (auto& e : entries_) e->poll_abort.Abort();
}

void Manager::StopForceful() {
  std::vector<std::shared_ptr<RunningJob>> jobs;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!forceful_ && !jobs_.empty()) spdlog::warn("Aborting {} running job(s)", jobs_.size());
    stopping_ = true;
    if (!forceful_) forceful_at_ = std::chrono::steady_clock::now();
    forceful_ = true;
    AbortPollsLocked();
    for (auto& [id, j] : jobs_) jobs.push_back(j);
  }
  cv_.notify_all();
  for (auto& j : jobs) j->interrupt.Cancel("runner is shutting down");
}

ManagerStats Manager::stats() const {
  std::lock_guard<std::mutex> l(mu_);
  ManagerStats s = stats_;
  s.running = running_;
  return s;
}

}  // namespace manager
