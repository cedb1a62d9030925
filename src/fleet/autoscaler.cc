#include "fleet/autoscaler.h"

#include <algorithm>

namespace fleet {

using util::Duration;
using util::Time;

Autoscaler::Autoscaler(const util::Clock& clock, AutoscalerSettings settings, std::unique_ptr<Policy> policy)
    : clock_(clock), settings_(std::move(settings)), policy_(std::move(policy)) {}

// ---------------------------------------------------------------- indexes

void Autoscaler::Unindex(const Instance& in) {
  int cap = settings_.capacity_per_instance;
  used_slots_ -= in.leases;
  switch (in.state) {
    case InstanceState::kBooting:
      --booting_;
      available_.erase({in.seq, in.id});
      booting_since_.erase({in.listed, in.id});
      break;
    case InstanceState::kReady:
      if (in.leases == 0) {
        --idle_count_;
        idle_.erase({in.idle_since, in.id});
        available_.erase({in.seq, in.id});
      } else {
        --busy_;
      }
      if (in.leases < cap) free_slots_.erase({-in.leases, -in.idle_since.time_since_epoch().count(), in.id});
      free_slot_count_ -= std::max(0, cap - in.leases);
      break;
    case InstanceState::kDraining: --draining_; break;
    case InstanceState::kRemoving: --removing_; break;
  }
}

void Autoscaler::Index(const Instance& in) {
  int cap = settings_.capacity_per_instance;
  used_slots_ += in.leases;
  switch (in.state) {
    case InstanceState::kBooting:
      ++booting_;
      available_.insert({in.seq, in.id});
      booting_since_.insert({in.listed, in.id});
      break;
    case InstanceState::kReady:
      if (in.leases == 0) {
        ++idle_count_;
        idle_.insert({in.idle_since, in.id});
        available_.insert({in.seq, in.id});
      } else {
        ++busy_;
      }
      if (in.leases < cap) free_slots_.insert({-in.leases, -in.idle_since.time_since_epoch().count(), in.id});
      free_slot_count_ += std::max(0, cap - in.leases);
      break;
    case InstanceState::kDraining: ++draining_; break;
    case InstanceState::kRemoving: ++removing_; break;
  }
}

void Autoscaler::SetState(Instance& in, InstanceState s) {
  Unindex(in);
  in.state = s;
  Index(in);
}

void Autoscaler::MakeReady(Instance& in, Time now) {
  Unindex(in);
  in.state = InstanceState::kReady;
  in.ready_at = now;
  in.idle_since = now;
  Index(in);
  Duration boot = now - (in.launched == Time{} ? in.listed : in.launched);
  policy_->Observe({Observation::Kind::kInstanceReady, now, boot});
}

void Autoscaler::Drain(Instance& in, const std::string& reason) {
  if (in.state == InstanceState::kRemoving || in.state == InstanceState::kDraining) return;
  SetState(in, InstanceState::kDraining);
  drain_reason_[in.id] = reason;
}

void Autoscaler::Gone(const std::string& id, const std::string& why, Time now) {
  auto it = instances_.find(id);
  if (it == instances_.end()) return;
  Instance& in = it->second;
  bool expected = in.state == InstanceState::kRemoving;
  if (in.leases > 0) {
    for (auto l = leases_.begin(); l != leases_.end();) {
      if (l->second.instance == id) {
        failed_outbox_.push_back({l->first, id, kRunnerSystemFailure, "instance " + id + " " + why});
        l = leases_.erase(l);
      } else {
        ++l;
      }
    }
  }
  if (!expected) notes_outbox_.push_back("instance " + id + " " + why + " (" + InstanceStateName(in.state) + ")");
  Unindex(in);
  drain_reason_.erase(id);
  instances_.erase(it);
  (void)now;
}

// ---------------------------------------------------------------- job side

bool Autoscaler::MayRequestJob() {
  if (settings_.max_jobs > 0 && pending_jobs() + leased_jobs() >= settings_.max_jobs) return false;
  return policy_->MayRequestJob(ViewAt(clock_.Now()));
}

void Autoscaler::Enqueue(JobId job) {
  Time now = clock_.Now();
  if (!pending_ids_.insert(job).second || leases_.count(job)) return;
  pending_.push_back({job, now});
  policy_->Observe({Observation::Kind::kJobQueued, now, Duration(0)});
}

void Autoscaler::Release(JobId job) {
  Time now = clock_.Now();
  auto l = leases_.find(job);
  if (l == leases_.end()) {
    if (pending_ids_.erase(job)) {
      pending_.erase(std::find_if(pending_.begin(), pending_.end(), [&](const PendingJob& p) { return p.job == job; }));
    }
    return;
  }
  policy_->Observe({Observation::Kind::kJobFinished, now, now - l->second.started});
  auto it = instances_.find(l->second.instance);
  leases_.erase(l);
  if (it == instances_.end()) return;
  Instance& in = it->second;
  Unindex(in);
  --in.leases;
  if (in.leases == 0) in.idle_since = now;
  Index(in);
  if (settings_.max_use_count > 0 && in.use_count >= settings_.max_use_count && in.state == InstanceState::kReady)
    Drain(in, "max_use_count " + std::to_string(settings_.max_use_count) + " reached");
}

// ---------------------------------------------------------------- provider side

void Autoscaler::Sync(const std::vector<cloud::InstanceInfo>& listing) {
  Time now = clock_.Now();
  std::vector<const cloud::InstanceInfo*> sorted;
  sorted.reserve(listing.size());
  for (const auto& i : listing) sorted.push_back(&i);
  if (!std::is_sorted(sorted.begin(), sorted.end(), [](auto a, auto b) { return a->id < b->id; }))
    std::sort(sorted.begin(), sorted.end(), [](auto a, auto b) { return a->id < b->id; });
  std::vector<std::string> gone;
  auto known = instances_.begin();
  for (const cloud::InstanceInfo* li : sorted) {
    while (known != instances_.end() && known->first < li->id) gone.push_back((known++)->first);
    bool dead = li->state == cloud::InstanceState::kDeleting || li->state == cloud::InstanceState::kDeleted;
    if (known != instances_.end() && known->first == li->id) {
      Instance& in = (known++)->second;
      if (dead) {
        if (in.state != InstanceState::kRemoving) gone.push_back(in.id);
        in.remove_sent = now;  // deletion under way: no retry needed
      } else if (in.state == InstanceState::kBooting && li->state == cloud::InstanceState::kRunning &&
                 settings_.ready_on_running) {
        MakeReady(in, now);
      }
      continue;
    }
    if (dead) continue;
    // A new id: one of our grants, or an instance left by an earlier run (adopted).
    if (!grants_.empty()) {
      --requested_;
      if (--grants_.front().count == 0) grants_.pop_front();
    }
    Instance in;
    in.id = li->id;
    in.seq = next_seq_++;
    in.launched = li->launched;
    in.listed = now;
    auto [it, ok] = instances_.emplace(in.id, std::move(in));
    Index(it->second);
    if (li->state == cloud::InstanceState::kRunning && settings_.ready_on_running) MakeReady(it->second, now);
  }
  while (known != instances_.end()) gone.push_back((known++)->first);
  for (const auto& id : gone) Gone(id, "disappeared", now);
}

void Autoscaler::OnEvent(const cloud::ProviderEvent& e) {
  Time now = clock_.Now();
  auto it = instances_.find(e.id);
  if (it == instances_.end()) return;
  if (e.kind == cloud::ProviderEvent::Kind::kGone) {
    Gone(e.id, "is gone", now);
    return;
  }
  Instance& in = it->second;
  in.interrupted = true;
  if (in.state == InstanceState::kBooting || in.state == InstanceState::kReady) {
    Drain(in, "spot interruption notice");
    notes_outbox_.push_back("instance " + e.id + ": interruption notice, draining");
  }
}

void Autoscaler::MarkReady(const std::string& id, bool ok) {
  Time now = clock_.Now();
  auto it = instances_.find(id);
  if (it == instances_.end() || it->second.state != InstanceState::kBooting) return;
  if (ok) {
    MakeReady(it->second, now);
  } else {
    Drain(it->second, "readiness check failed");
    IncreaseFailed(now, "instance " + id + " failed its readiness check");
  }
}

void Autoscaler::ReportHealth(const std::string& id, bool ok) {
  auto it = instances_.find(id);
  if (it == instances_.end()) return;
  Instance& in = it->second;
  in.health_failures = ok ? 0 : in.health_failures + 1;
  if (in.health_failures < settings_.failure_threshold) return;
  if (in.state == InstanceState::kRemoving) return;
  // Broken: its jobs cannot finish; fail them so GitLab retries elsewhere.
  for (auto l = leases_.begin(); l != leases_.end();) {
    if (l->second.instance == id) {
      failed_outbox_.push_back({l->first, id, kRunnerSystemFailure, "instance " + id + " is unhealthy"});
      l = leases_.erase(l);
    } else {
      ++l;
    }
  }
  Unindex(in);
  in.leases = 0;
  in.state = InstanceState::kDraining;
  Index(in);
  // An instance already draining keeps its reason: a spot notice says more than the failed
  // job or checks that follow from it.
  drain_reason_.emplace(id, "unhealthy: " + std::to_string(in.health_failures) + " failed health checks");
}

// ---------------------------------------------------------------- reconfigure

namespace {

void Changed(std::vector<std::string>& out, const char* what, const std::string& from, const std::string& to) {
  if (from != to) out.push_back(std::string(what) + " " + from + " -> " + to);
}

std::string Num(int64_t n) { return std::to_string(n); }
std::string Secs(Duration d) { return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s"; }

}  // namespace

void Autoscaler::UpdateSettings(AutoscalerSettings settings, std::unique_ptr<Policy> policy) {
  const Time now = clock_.Now();
  const AutoscalerSettings& o = settings_;
  const AutoscalerSettings& n = settings;
  std::vector<std::string> diff;
  Changed(diff, "policy", PolicyKindName(o.policy), PolicyKindName(n.policy));
  Changed(diff, "capacity_per_instance", Num(o.capacity_per_instance), Num(n.capacity_per_instance));
  Changed(diff, "max_use_count", Num(o.max_use_count), Num(n.max_use_count));
  Changed(diff, "max_instances", Num(o.max_instances), Num(n.max_instances));
  Changed(diff, "max_jobs", Num(o.max_jobs), Num(n.max_jobs));
  Changed(diff, "max_growth_rate", Num(o.max_growth_rate), Num(n.max_growth_rate));
  const IdleRule& ro = o.RuleAt(now);
  const IdleRule& rn = n.RuleAt(now);
  Changed(diff, "idle_count", Num(ro.idle_count), Num(rn.idle_count));
  Changed(diff, "idle_time", Secs(ro.idle_time), Secs(rn.idle_time));
  Changed(diff, "periods", Num(static_cast<int64_t>(o.periods.size())), Num(static_cast<int64_t>(n.periods.size())));
  // Every index depends on capacity_per_instance: rebuild them under the new value.
  for (const auto& [id, in] : instances_) Unindex(in);
  settings_ = std::move(settings);
  if (policy) policy_ = std::move(policy);
  for (const auto& [id, in] : instances_) Index(in);
  at_limit_ = false;
  if (settings_.max_use_count > 0) {
    for (auto& [id, in] : instances_) {
      if (in.state == InstanceState::kReady && in.use_count >= settings_.max_use_count)
        Drain(in, "max_use_count " + std::to_string(settings_.max_use_count) + " reached");
    }
  }
  if (settings_.max_instances > 0) {
    int excess = ViewAt(now).total() - settings_.max_instances;
    std::vector<std::string> victims;
    for (auto it = idle_.begin(); it != idle_.end() && excess > 0; ++it, --excess) victims.push_back(it->second);
    for (const auto& id : victims)
      Drain(instances_.at(id), "max_instances lowered to " + std::to_string(settings_.max_instances));
  }
  std::string what;
  for (const auto& d : diff) what += (what.empty() ? "" : ", ") + d;
  notes_outbox_.push_back("settings updated: " + (what.empty() ? std::string("no change in limits or idle rule") : what));
}

}  // namespace fleet
