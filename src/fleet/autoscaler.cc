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
      free_slot_count_ -= cap - in.leases;
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
      free_slot_count_ += cap - in.leases;
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
  drain_reason_[id] = "unhealthy: " + std::to_string(in.health_failures) + " failed health checks";
}

}  // namespace fleet
