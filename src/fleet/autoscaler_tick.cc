// Autoscaler: deciding (Tick) and recording what was done (Apply and results).
#include <algorithm>

#include "fleet/autoscaler.h"

namespace fleet {

using util::Duration;
using util::Time;

namespace {
std::string Secs(Duration d) { return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + "s"; }
}  // namespace

FleetView Autoscaler::View() { return ViewAt(clock_.Now()); }

FleetView Autoscaler::ViewAt(Time now) {
  FleetView v;
  v.now = now;
  v.settings = &settings_;
  v.rule = &settings_.RuleAt(now);
  v.requested = requested_ + in_flight_;
  v.booting = booting_;
  v.idle = idle_count_;
  v.busy = busy_;
  v.draining = draining_;
  v.removing = removing_;
  v.used_slots = used_slots_;
  v.free_slots = free_slot_count_;
  v.pending_jobs = pending_jobs();
  v.backing_off = now < backoff_until_;
  v.idle_order = &idle_;
  v.available_by_age = &available_;
  v.instances = &instances_;
  return v;
}

void Autoscaler::IncreaseFailed(Time now, const std::string& why) {
  ++increase_failures_;
  Duration b = settings_.backoff_initial;
  for (int i = 1; i < increase_failures_ && b < settings_.backoff_max; ++i) b *= 2;
  b = std::min(b, settings_.backoff_max);
  backoff_until_ = now + b;
  notes_outbox_.push_back(why + "; no launches for " + Secs(b) + " (failure " + std::to_string(increase_failures_) + ")");
}

void Autoscaler::Housekeep(Time now, Decisions& d) {
  while (!grants_.empty() && grants_.front().at + settings_.creation_timeout <= now) {
    requested_ -= grants_.front().count;
    IncreaseFailed(now, std::to_string(grants_.front().count) + " granted instance(s) never appeared within " +
                            Secs(settings_.creation_timeout));
    grants_.pop_front();
  }
  while (!booting_since_.empty() && booting_since_.begin()->first + settings_.boot_timeout <= now) {
    const std::string id = booting_since_.begin()->second;
    Drain(instances_.at(id), "not ready within " + Secs(settings_.boot_timeout));
    IncreaseFailed(now, "instance " + id + " did not become ready");
  }
  for (auto it = drain_reason_.begin(); it != drain_reason_.end();) {
    Instance& in = instances_.at(it->first);
    if (in.leases > 0) {
      ++it;
      continue;
    }
    SetState(in, InstanceState::kRemoving);
    in.remove_sent = now;
    d.remove.push_back({in.id, it->second});
    it = drain_reason_.erase(it);
  }
  if (removing_ > 0 && now >= next_removal_check_) {
    next_removal_check_ = now + settings_.deletion_retry_interval / 4;
    for (auto& [id, in] : instances_) {
      if (in.state == InstanceState::kRemoving && in.remove_sent + settings_.deletion_retry_interval <= now) {
        in.remove_sent = now;
        d.remove.push_back({id, "deletion retry: still listed"});
      }
    }
  }
  while (!pending_.empty() && pending_.front().since + settings_.acquire_timeout <= now) {
    JobId job = pending_.front().job;
    pending_.pop_front();
    pending_ids_.erase(job);
    d.failures.push_back({job, "", kRunnerSystemFailure, "no instance within acquire timeout " + Secs(settings_.acquire_timeout)});
  }
}

void Autoscaler::AssignJobs(Time now, Decisions& d) {
  while (!pending_.empty() && !free_slots_.empty()) {
    const std::string id = std::get<2>(*free_slots_.begin());
    Instance& in = instances_.at(id);
    PendingJob p = pending_.front();
    pending_.pop_front();
    pending_ids_.erase(p.job);
    Unindex(in);
    ++in.leases;
    ++in.use_count;
    Index(in);
    leases_[p.job] = {id, now};
    d.leases.push_back({p.job, id, now - p.since});
    policy_->Observe({Observation::Kind::kJobStarted, now, now - p.since});
    if (settings_.max_use_count > 0 && in.use_count >= settings_.max_use_count)
      Drain(in, "max_use_count " + std::to_string(settings_.max_use_count) + " reached");
  }
}

Decisions Autoscaler::Tick() {
  const Time now = clock_.Now();
  Decisions d;
  d.at = now;
  d.failures = std::move(failed_outbox_);
  failed_outbox_.clear();
  Housekeep(now, d);
  AssignJobs(now, d);
  FleetView v = ViewAt(now);
  Plan p = policy_->Decide(v);
  for (const auto& id : p.remove) {
    auto it = instances_.find(id);
    if (it == instances_.end() || !it->second.idle()) continue;  // never remove a leased one
    SetState(it->second, InstanceState::kRemoving);
    it->second.remove_sent = now;
    d.remove.push_back({id, p.reason});
  }
  if (!p.note.empty()) notes_outbox_.push_back(p.note);
  int launch = p.launch;
  if (launch > 0 && v.backing_off) {
    notes_outbox_.push_back("want " + std::to_string(launch) + " more, backing off for " + Secs(backoff_until_ - now));
    launch = 0;
  }
  if (launch > 0 && settings_.max_instances > 0) {
    int room = std::max(0, settings_.max_instances - v.total());
    if (launch > room) {
      if (!at_limit_) notes_outbox_.push_back("max_instances " + std::to_string(settings_.max_instances) + " reached");
      launch = room;
      at_limit_ = true;
    } else {
      at_limit_ = false;
    }
  }
  if (launch > 0 && settings_.max_growth_rate > 0)
    launch = std::max(0, std::min(launch, settings_.max_growth_rate - v.creating()));
  if (launch > 0) {
    d.launch = launch;
    d.launch_reason = p.reason;
    in_flight_ += launch;
  }
  for (auto& n : notes_outbox_) d.notes.push_back(std::move(n));
  notes_outbox_.clear();
  return d;
}

void Autoscaler::Apply(const Decisions& d, cloud::Provider& provider) {
  if (d.launch > 0) OnIncreaseResult(d.launch, provider.Increase(d.launch));
  if (!d.remove.empty()) {
    std::vector<std::string> ids;
    for (const auto& r : d.remove) ids.push_back(r.id);
    OnDecreaseResult(ids, provider.Decrease(ids));
  }
}

void Autoscaler::OnIncreaseResult(int asked, const util::Result<int>& granted) {
  Time now = clock_.Now();
  in_flight_ = std::max(0, in_flight_ - asked);
  if (!granted.ok()) {
    IncreaseFailed(now, "launch of " + std::to_string(asked) + " failed: " + granted.status().ToString());
    return;
  }
  int g = std::clamp(*granted, 0, asked);
  if (g > 0) {
    grants_.push_back({now, g});
    requested_ += g;
  }
  if (g == 0) {
    IncreaseFailed(now, "launch of " + std::to_string(asked) + " granted none");
  } else {
    increase_failures_ = 0;
    if (g < asked) notes_outbox_.push_back("launch granted " + std::to_string(g) + " of " + std::to_string(asked));
  }
}

void Autoscaler::OnDecreaseResult(const std::vector<std::string>& asked,
                                  const util::Result<std::vector<std::string>>& accepted) {
  if (!accepted.ok()) {
    notes_outbox_.push_back("removal of " + std::to_string(asked.size()) +
                            " instance(s) failed: " + accepted.status().ToString() + "; retrying later");
    return;
  }
  if (accepted->size() < asked.size())
    notes_outbox_.push_back("removal accepted " + std::to_string(accepted->size()) + " of " +
                            std::to_string(asked.size()) + "; retrying the rest later");
}

}  // namespace fleet
