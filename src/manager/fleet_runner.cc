#include "manager/fleet_runner.h"

#include <spdlog/spdlog.h>

#include "cloud/dead_man_switch.h"
#include "manager/engine_probe.h"
#include "manager/severable_connection.h"

namespace manager {

using Seconds = std::chrono::duration<double>;

struct FleetRunner::Waiter {
  bool done = false;
  util::Status failed;  // !ok: the job will not get an instance
  LeaseGrant grant;
};

namespace {

// Removal reasons are free text; metrics get a short, bounded set.
std::string ReasonCategory(const std::string& r) {
  for (const char* k : {"leftover", "stopped", "shutdown", "max_use_count", "unhealthy", "interruption", "not ready", "readiness",
                        "retry", "idle"}) {
    if (r.find(k) != std::string::npos) return k == std::string("not ready") ? "boot_timeout" : k;
  }
  return "policy";
}

}  // namespace

FleetRunner::FleetRunner(FleetOptions options, util::Clock& clock)
    : opt_(std::move(options)),
      clock_(clock),
      caller_(opt_.provider),
      probe_command_(opt_.provider->InstanceProbeCommand()),
      scaler_(clock, [&] {
        fleet::AutoscalerSettings s = opt_.settings;
        s.ready_on_running = false;  // ready means: reachable over the connection
        return s;
      }(), fleet::MakePolicy(opt_.settings.policy)) {}

FleetRunner::~FleetRunner() { Shutdown(); }

void FleetRunner::Start() {
  RemoveLeftovers();
  {
    std::lock_guard<std::mutex> l(mu_);
    started_ = true;
    accounted_at_ = clock_.Now();
  }
  if (opt_.metrics) collector_id_ = opt_.metrics->registry.AddCollector([this] { Collect(); });
  loop_ = std::thread([this] { Loop(); });
  prober_ = std::thread([this] { Prober(); });
}

void FleetRunner::RemoveLeftovers() {
  auto listing = caller_.Call<std::vector<cloud::InstanceInfo>>(
      "List", opt_.call_timeout, [](cloud::Provider& p) { return p.List(); });
  if (!listing.ok()) {
    spdlog::warn("fleet {}: cannot list leftover instances: {}; they are adopted when they show up",
                 opt_.name, listing.status().ToString());
    return;
  }
  std::vector<std::string> ids;
  for (const auto& i : *listing) {
    if (i.state != cloud::InstanceState::kDeleting && i.state != cloud::InstanceState::kDeleted) ids.push_back(i.id);
  }
  if (ids.empty()) return;
  spdlog::info("fleet {}: removing {} instance(s) left by an earlier run", opt_.name, ids.size());
  // Booked first, so the autoscaler retries the removal if the provider refuses it now.
  {
    std::lock_guard<std::mutex> l(mu_);
    scaler_.Sync(*listing);
    leftovers_.insert(ids.begin(), ids.end());
    for (const auto& id : ids) {
      for (int k = 0; k < std::max(1, opt_.settings.failure_threshold); ++k) scaler_.ReportHealth(id, false);
    }
  }
  for (size_t k = 0; k < ids.size(); ++k) CountRemoval("leftover");
}

void FleetRunner::RemoveStopped(const std::vector<cloud::InstanceInfo>& listing) {
  std::set<std::string> now_stopped;
  for (const auto& i : listing) {
    if (i.state != cloud::InstanceState::kStopped) continue;
    now_stopped.insert(i.id);
    if (stopped_.count(i.id) || leftovers_.count(i.id)) continue;
    auto known = scaler_.instances().find(i.id);
    if (known != scaler_.instances().end() && known->second.state == fleet::InstanceState::kRemoving)
      continue;  // on its way out already
    spdlog::warn("fleet {}: instance {} is stopped; removing it", opt_.name, i.id);
    for (int k = 0; k < std::max(1, opt_.settings.failure_threshold); ++k) scaler_.ReportHealth(i.id, false);
    if (opt_.metrics) opt_.metrics->fleet_removals_total.Inc({opt_.short_token, opt_.name, "stopped"});
  }
  stopped_ = std::move(now_stopped);
}

bool FleetRunner::MayRequestJob() {
  std::lock_guard<std::mutex> l(mu_);
  return started_ && !stopping_ && scaler_.MayRequestJob();
}

util::Result<LeaseGrant> FleetRunner::Acquire(fleet::JobId job, const util::CancelToken& interrupt) {
  auto w = std::make_shared<Waiter>();
  std::unique_lock<std::mutex> l(mu_);
  if (stopping_) return util::Status::Cancelled("the fleet is shutting down");
  waiters_[job] = w;
  scaler_.Enqueue(job);
  wake_ = true;
  cv_.notify_all();
  while (!w->done && !stopping_ && !interrupt.cancelled()) cv_.wait_for(l, std::chrono::milliseconds(200));
  waiters_.erase(job);
  if (!w->done) {
    scaler_.Release(job);
    return util::Status::Cancelled(stopping_ ? "the fleet is shutting down" : "job interrupted: " + interrupt.reason());
  }
  if (!w->failed.ok()) return w->failed;
  return w->grant;
}

void FleetRunner::Release(fleet::JobId job, bool instance_suspect) {
  std::lock_guard<std::mutex> l(mu_);
  scaler_.Release(job);
  held_.erase(job);
  auto on = held_on_.find(job);
  if (on != held_on_.end()) {
    if (instance_suspect) {
      spdlog::warn("fleet {}: job {} ended as a system failure; instance {} takes no more jobs", opt_.name, job,
                   on->second);
      for (int k = 0; k < std::max(1, opt_.settings.failure_threshold); ++k) scaler_.ReportHealth(on->second, false);
    }
    held_on_.erase(on);
  }
  wake_ = true;
  cv_.notify_all();
}

void FleetRunner::Loop() {
  std::chrono::steady_clock::time_point listed_at{};
  for (;;) {
    // The provider's listing once per tick; a wake in between (a job waits, an instance
    // became ready, a lease ended) only needs a Tick, and gets it at once: listing can
    // be slow (the local provider probes every instance's sshd).
    auto now = std::chrono::steady_clock::now();
    bool list = now - listed_at >= opt_.tick;
    if (list) listed_at = now;
    LoopOnce(list);
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, opt_.tick, [&] { return stopping_ || wake_; });
    wake_ = false;
    if (stopping_) return;
  }
}

void FleetRunner::LoopOnce(bool list) {
  auto events = caller_.Call<std::vector<cloud::ProviderEvent>>(
      "TakeEvents", opt_.call_timeout, [](cloud::Provider& p) { return util::Result<std::vector<cloud::ProviderEvent>>(p.TakeEvents()); });
  util::Result<std::vector<cloud::InstanceInfo>> listing = util::Status::Unavailable("not listed this turn");
  if (list) {
    listing = caller_.Call<std::vector<cloud::InstanceInfo>>(
        "List", opt_.call_timeout, [](cloud::Provider& p) { return p.List(); });
  }
  fleet::Decisions d;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (events.ok()) {
      for (const auto& e : *events) scaler_.OnEvent(e);
    }
    if (!list) {
      // the last listing stands
    } else if (listing.ok()) {
      scaler_.Sync(*listing);
      RemoveStopped(*listing);
      listed_.clear();
      for (const auto& i : *listing) listed_[i.id] = i.state;
    } else {
      spdlog::warn("fleet {}: listing instances failed: {}", opt_.name, listing.status().ToString());
      if (opt_.metrics) opt_.metrics->fleet_provider_errors_total.Inc({opt_.short_token, opt_.name, "List"});
    }
    AccountInstanceTime(clock_.Now());
    d = scaler_.Tick();
  }
  ApplyDecisions(d);
}

void FleetRunner::ApplyDecisions(const fleet::Decisions& d) {
  for (const auto& line : d.Explain()) spdlog::info("fleet {}: {}", opt_.name, line);
  if (d.launch > 0) {
    int n = d.launch;
    auto granted = caller_.Call<int>("Increase", opt_.call_timeout, [n](cloud::Provider& p) { return p.Increase(n); });
    std::lock_guard<std::mutex> l(mu_);
    scaler_.OnIncreaseResult(n, granted);
    if (opt_.metrics) {
      if (granted.ok()) opt_.metrics->fleet_creations_total.Inc(metric_labels(), *granted);
      if (!granted.ok() || *granted == 0) opt_.metrics->fleet_creation_failures_total.Inc(metric_labels());
      if (!granted.ok()) opt_.metrics->fleet_provider_errors_total.Inc({opt_.short_token, opt_.name, "Increase"});
    }
    if (!granted.ok()) spdlog::error("fleet {}: creating {} instance(s) failed: {}", opt_.name, n, granted.status().ToString());
  }
  if (!d.remove.empty()) {
    std::vector<std::string> ids;
    for (const auto& r : d.remove) {
      ids.push_back(r.id);
      bool leftover;
      {
        std::lock_guard<std::mutex> l(mu_);
        leftover = leftovers_.erase(r.id) > 0;  // counted when found
      }
      if (!leftover) CountRemoval(r.reason);
    }
    auto accepted = caller_.Call<std::vector<std::string>>("Decrease", opt_.call_timeout,
                                                           [ids](cloud::Provider& p) { return p.Decrease(ids); });
    std::lock_guard<std::mutex> l(mu_);
    scaler_.OnDecreaseResult(ids, accepted);
    for (const auto& id : ids) conns_.erase(id);
    if (!accepted.ok()) {
      spdlog::error("fleet {}: removing {} instance(s) failed: {}", opt_.name, ids.size(), accepted.status().ToString());
      if (opt_.metrics) opt_.metrics->fleet_provider_errors_total.Inc({opt_.short_token, opt_.name, "Decrease"});
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& lease : d.leases) {
    auto w = waiters_.find(lease.job);
    auto c = conns_.find(lease.instance);
    if (w == waiters_.end() || c == conns_.end()) {
      scaler_.Release(lease.job);  // the job gave up, or the instance lost its connection
      continue;
    }
    auto conn = std::make_shared<SeverableConnection>(c->second.conn);
    w->second->grant = LeaseGrant{lease.instance, conn, std::make_shared<util::CancelToken>(), lease.waited, c->second.once};
    w->second->done = true;
    held_[lease.job] = w->second->grant.lost;
    held_on_[lease.job] = lease.instance;
    auto lost = w->second->grant.lost;
    // A raw pointer: the callback lives inside `lost` (capturing it would be a cycle).
    lost->OnCancel([conn, token = lost.get()] { conn->Sever(token->reason()); });
    if (opt_.metrics) opt_.metrics->fleet_queue_wait_seconds.Observe(metric_labels(), Seconds(lease.waited).count());
  }
  for (const auto& f : d.failures) {
    if (opt_.metrics) opt_.metrics->fleet_lost_jobs_total.Inc(metric_labels());
    auto w = waiters_.find(f.job);
    if (w != waiters_.end()) {
      w->second->failed = util::Status::ResourceExhausted(f.message);
      w->second->done = true;
      continue;
    }
    auto h = held_.find(f.job);
    if (h != held_.end()) {
      spdlog::warn("fleet {}: job {} lost its instance: {}", opt_.name, f.job, f.message);
      h->second->Cancel(f.message);
    }
  }
  cv_.notify_all();
}

void FleetRunner::Prober() {
  for (;;) {
    ProbeOnce();
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait_for(l, std::chrono::milliseconds(500), [&] { return stopping_; });
    if (stopping_) return;
  }
}

void FleetRunner::ProbeOnce() {
  std::vector<std::string> to_ready;
  std::vector<std::pair<std::string, std::shared_ptr<connect::Connection>>> to_ping, to_notice, to_heartbeat;
  const bool heartbeat = opt_.dead_man_timeout.count() > 0;
  const util::Duration heartbeat_every = cloud::HeartbeatInterval(opt_.dead_man_timeout);
  util::Time now = clock_.Now();
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto it = conns_.begin(); it != conns_.end();) {
      it = scaler_.instances().count(it->first) ? std::next(it) : conns_.erase(it);
    }
    std::erase_if(engine_wait_, [&](const auto& kv) { return !scaler_.instances().count(kv.first); });
    for (const auto& [id, in] : scaler_.instances()) {
      auto li = listed_.find(id);
      bool running = li != listed_.end() && li->second == cloud::InstanceState::kRunning;
      if (in.state == fleet::InstanceState::kBooting && running && !conns_.count(id)) to_ready.push_back(id);
      if ((in.state == fleet::InstanceState::kReady || in.state == fleet::InstanceState::kDraining) && conns_.count(id) &&
          now - conns_[id].last_probe >= opt_.health_interval) {
        to_ping.emplace_back(id, conns_[id].conn);
      }
      if (heartbeat && in.state != fleet::InstanceState::kRemoving && conns_.count(id) &&
          now - conns_[id].last_heartbeat >= heartbeat_every) {
        conns_[id].last_heartbeat = now;
        to_heartbeat.emplace_back(id, conns_[id].conn);
      }
      if (!probe_command_.empty() && in.state == fleet::InstanceState::kReady && !in.interrupted && conns_.count(id) &&
          now - conns_[id].last_notice_probe >= opt_.notice_interval) {
        conns_[id].last_notice_probe = now;
        to_notice.emplace_back(id, conns_[id].conn);
      }
    }
  }
  for (const auto& id : to_ready) {
    auto info = caller_.Call<cloud::ConnectInfo>("Connect", opt_.call_timeout,
                                                 [id](cloud::Provider& p) { return p.Connect(id); });
    if (!info.ok()) {
      spdlog::debug("fleet {}: instance {} not reachable yet: {}", opt_.name, id, info.status().ToString());
      continue;
    }
    auto conn = opt_.connect(*info);
    if (!conn.ok() && connect::IsHostKeyMismatch(conn.status())) {
      // Not the instance we made (or not only): never trusted, replaced.
      spdlog::error("fleet {}: instance {} refused: {}; removing it", opt_.name, id, conn.status().message());
      std::lock_guard<std::mutex> l(mu_);
      scaler_.MarkReady(id, false);
      wake_ = true;
      cv_.notify_all();
      continue;
    }
    if (!conn.ok()) {
      spdlog::debug("fleet {}: instance {} not reachable yet: {}", opt_.name, id, conn.status().ToString());
      continue;
    }
    if (util::Status p = (*conn)->Ping(); !p.ok()) continue;
    // Heard from before it is ready: an Engine still installing or starting must not let
    // the dead-man switch power the instance off.
    if (heartbeat) SendHeartbeat(id, *conn);
    if (!EngineAnswers(id, *conn)) continue;
    bool ok = true;
    if (!opt_.ready_command.empty()) {
      auto rc = (*conn)->Exec(opt_.ready_command, "", [](std::string_view) {}, stop_);
      ok = rc.ok() && *rc == 0;
      if (!ok) spdlog::warn("fleet {}: instance {}: instance_ready_command failed", opt_.name, id);
    }
    std::lock_guard<std::mutex> l(mu_);
    if (ok) conns_[id] = {*conn, clock_.Now()};
    scaler_.MarkReady(id, ok);
    if (ok) spdlog::info("fleet {}: instance {} is ready", opt_.name, id);
    wake_ = true;
    cv_.notify_all();
  }
  for (const auto& [id, conn] : to_ping) {
    util::Status s = conn->Ping();
    std::lock_guard<std::mutex> l(mu_);
    auto it = conns_.find(id);
    if (it != conns_.end()) it->second.last_probe = clock_.Now();
    if (!s.ok()) spdlog::warn("fleet {}: instance {} failed its health check: {}", opt_.name, id, s.message());
    scaler_.ReportHealth(id, s.ok());
    if (!s.ok()) {
      wake_ = true;
      cv_.notify_all();
    }
  }
  for (const auto& [id, conn] : to_heartbeat) SendHeartbeat(id, conn);
  for (const auto& [id, conn] : to_notice) ProbeNotices(id, conn);
}

void FleetRunner::SendHeartbeat(const std::string& id, const std::shared_ptr<connect::Connection>& conn) {
  // The dead-man switch's heartbeat; a failure shows in the health check too.
  auto rc = conn->Exec(cloud::HeartbeatCommand(), "", [](std::string_view) {}, stop_);
  if (!rc.ok() || *rc != 0)
    spdlog::debug("fleet {}: instance {}: heartbeat failed: {}", opt_.name, id,
                  rc.ok() ? "exit code " + std::to_string(*rc) : rc.status().ToString());
}

bool FleetRunner::EngineAnswers(const std::string& id, const std::shared_ptr<connect::Connection>& conn) {
  if (opt_.engine_socket.empty()) return true;
  util::Status s = PingEngine(conn, opt_.engine_socket, std::chrono::seconds(10), stop_);
  util::Time now = clock_.Now();
  std::lock_guard<std::mutex> l(mu_);
  if (s.ok()) {
    engine_wait_.erase(id);
    return true;
  }
  auto [it, first] = engine_wait_.emplace(id, now);
  if (now - it->second < opt_.engine_timeout) {
    if (first) spdlog::info("fleet {}: instance {} answers SSH; waiting for its Docker Engine", opt_.name, id);
    spdlog::debug("fleet {}: instance {}: Docker Engine not answering yet: {}", opt_.name, id, s.ToString());
    return false;
  }
  spdlog::error("fleet {}: instance {}: its Docker Engine ({}) did not answer within {:.0f} s: {}; removing it",
                opt_.name, id, opt_.engine_socket, Seconds(opt_.engine_timeout).count(), s.message());
  engine_wait_.erase(it);
  scaler_.MarkReady(id, false);  // removed, and a launch failure: replaced with backoff
  wake_ = true;
  cv_.notify_all();
  return false;
}

void FleetRunner::ProbeNotices(const std::string& id, const std::shared_ptr<connect::Connection>& conn) {
  std::string output;
  // The probe bounds its own waits on the instance; stop_ ends it at shutdown.
  auto rc = conn->Exec(probe_command_, "", [&](std::string_view s) {
    if (output.size() < 64 * 1024) output.append(s);
  }, stop_);
  if (!rc.ok()) {
    spdlog::debug("fleet {}: instance {}: probe failed: {}", opt_.name, id, rc.status().ToString());
    return;  // the health check sees a broken connection
  }
  util::Time now = clock_.Now();
  auto noticed = caller_.Call<bool>("OnInstanceProbe", opt_.call_timeout, [id, output, now](cloud::Provider& p) {
    return util::Result<bool>(p.OnInstanceProbe(id, output, now));
  });
  if (!noticed.ok() || !*noticed) return;
  spdlog::warn("fleet {}: instance {} has an interruption notice; it takes no more jobs", opt_.name, id);
  std::lock_guard<std::mutex> l(mu_);
  wake_ = true;  // the loop takes the event and drains the instance now
  cv_.notify_all();
}

void FleetRunner::UpdateSettings(const fleet::AutoscalerSettings& settings) {
  std::lock_guard<std::mutex> l(mu_);
  fleet::AutoscalerSettings s = settings;
  s.ready_on_running = false;  // as in the constructor
  bool new_policy = s.policy != opt_.settings.policy;
  opt_.settings = settings;
  scaler_.UpdateSettings(s, new_policy ? fleet::MakePolicy(s.policy) : nullptr);
  wake_ = true;
  cv_.notify_all();
}

bool FleetRunner::Shutdown() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (shut_down_) return removed_all_;
    shut_down_ = true;
    stopping_ = true;
    cv_.notify_all();
  }
  stop_.Cancel("the fleet is shutting down");  // commands on instances end now
  if (loop_.joinable()) loop_.join();
  if (prober_.joinable()) prober_.join();
  if (opt_.metrics && collector_id_) opt_.metrics->registry.RemoveCollector(collector_id_);
  {
    std::lock_guard<std::mutex> l(mu_);
    conns_.clear();
    for (auto& [job, lost] : held_) lost->Cancel("the fleet is shutting down");
  }
  // Remove everything the provider lists, until it lists nothing; the budget starts now,
  // whatever the jobs took before.
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + opt_.shutdown_timeout;
  std::set<std::string> removed;  // a removal re-sent every 10th round is counted once
  bool logged = false;
  std::map<std::string, std::string> left;  // still listed: id -> state and last answer
  std::string list_error, remove_error;
  for (int round = 0; std::chrono::steady_clock::now() < deadline; ++round) {
    auto listing = caller_.Call<std::vector<cloud::InstanceInfo>>(
        "List", opt_.call_timeout, [](cloud::Provider& p) { return p.List(); });
    if (!listing.ok()) {
      list_error = listing.status().ToString();
      spdlog::warn("fleet {}: shutdown: listing failed: {}", opt_.name, list_error);
    } else {
      list_error.clear();
      std::vector<std::string> ids;
      left.clear();
      for (const auto& i : *listing) {
        if (i.state == cloud::InstanceState::kDeleted) continue;
        left[i.id] = cloud::InstanceStateName(i.state);
        if (i.state != cloud::InstanceState::kDeleting || round % 10 == 9) ids.push_back(i.id);
      }
      if (left.empty()) {
        auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        if (!removed.empty() || logged)
          spdlog::info("fleet {}: shutdown: removed {} instance(s); the provider lists none ({} ms)", opt_.name, removed.size(),
                       took.count());
        std::lock_guard<std::mutex> l(mu_);
        removed_all_ = true;
        return true;
      }
      if (!logged) {
        spdlog::info("fleet {}: shutdown: removing {} instance(s)", opt_.name, left.size());
        logged = true;
      }
      if (!ids.empty()) {
        auto acc = caller_.Call<std::vector<std::string>>("Decrease", opt_.call_timeout,
                                                          [ids](cloud::Provider& p) { return p.Decrease(ids); });
        if (acc.ok()) {
          for (const auto& id : *acc) {
            if (removed.insert(id).second) CountRemoval("shutdown");
          }
          remove_error.clear();
        } else {
          remove_error = acc.status().ToString();
          spdlog::warn("fleet {}: shutdown: removal failed: {}", opt_.name, remove_error);
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::string which;
  for (const auto& [id, state] : left) which += (which.empty() ? "" : ", ") + id + " (" + state + ")";
  std::string why = !list_error.empty()   ? "the last listing failed: " + list_error
                    : !remove_error.empty() ? "the last removal failed: " + remove_error
                                            : "the provider accepted the removal but still lists them";
  spdlog::error("fleet {}: shutdown: could not remove every instance within {} s; still listed: {}; {}; "
                "remove them by hand or start the runner again (it removes what it left)",
                opt_.name, std::chrono::duration_cast<std::chrono::seconds>(opt_.shutdown_timeout).count(),
                which.empty() ? "unknown (no listing)" : which, why);
  return false;
}

FleetSnapshot FleetRunner::Snapshot() {
  std::lock_guard<std::mutex> l(mu_);
  fleet::FleetView v = scaler_.View();
  FleetSnapshot s;
  s.requested = v.requested;
  s.booting = v.booting;
  s.idle = v.idle;
  s.busy = v.busy;
  s.draining = v.draining;
  s.removing = v.removing;
  s.pending_jobs = scaler_.pending_jobs();
  s.leased_jobs = scaler_.leased_jobs();
  for (const auto& [id, st] : listed_) s.listed += st != cloud::InstanceState::kDeleted;
  return s;
}

void FleetRunner::Collect() {
  FleetSnapshot s = Snapshot();
  auto& g = opt_.metrics->fleet_instances;
  const std::pair<const char*, int> states[] = {{"requested", s.requested}, {"booting", s.booting}, {"idle", s.idle},
                                               {"busy", s.busy},           {"draining", s.draining}, {"removing", s.removing}};
  for (const auto& [name, n] : states) g.Set({opt_.short_token, opt_.name, name}, n);
  opt_.metrics->fleet_pending_jobs.Set(metric_labels(), s.pending_jobs);
}

void FleetRunner::CountRemoval(const std::string& reason) {
  if (opt_.metrics) opt_.metrics->fleet_removals_total.Inc({opt_.short_token, opt_.name, ReasonCategory(reason)});
}

void FleetRunner::AccountInstanceTime(util::Time now) {
  // REQUIRES: mu_ held. Instances the provider lists (not deleted) cost money.
  if (!opt_.metrics || accounted_at_ == util::Time{}) {
    accounted_at_ = now;
    return;
  }
  int n = 0;
  for (const auto& [id, st] : listed_) n += st != cloud::InstanceState::kDeleted;
  double dt = Seconds(now - accounted_at_).count();
  if (dt > 0) opt_.metrics->fleet_instance_seconds_total.Inc(metric_labels(), dt * n);
  accounted_at_ = now;
}

}  // namespace manager
