#include "sim/sim_provider.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace sim {

using util::FromSeconds;
using util::Time;

SimProvider::SimProvider(const util::Clock& clock, SimProviderConfig config, Rng& rng)
    : clock_(clock), cfg_(config), rng_(rng) {}

std::string SimProvider::Id(size_t idx) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "sim-%08zu", idx);
  return buf;
}

util::Result<std::vector<cloud::InstanceInfo>> SimProvider::List() {
  ++closed_.provider_calls;
  std::vector<cloud::InstanceInfo> out;
  out.reserve(alive_.size());
  for (size_t i : alive_) {
    const Inst& in = insts_[i];
    if (in.listed) out.push_back({in.id, in.state, in.launched});
  }
  return out;
}

util::Result<int> SimProvider::Increase(int n) {
  ++closed_.provider_calls;
  if (n <= 0) return util::Status::InvalidArgument("increase by " + std::to_string(n));
  if (rng_.Chance(cfg_.fail_rate)) return util::Status::ResourceExhausted("sim: insufficient spot capacity");
  int granted = n;
  if (n > 0 && rng_.Chance(cfg_.partial_grant_rate)) granted = static_cast<int>(rng_.Uniform() * n);
  Time now = clock_.Now();
  for (int k = 0; k < granted; ++k) {
    size_t idx = insts_.size();
    insts_.push_back(Inst{Id(idx), now, Time{}});
    alive_.insert(idx);
    ++closed_.launched;
    double boot = cfg_.boot_median_s;
    if (cfg_.boot_sigma > 0)
      boot = std::clamp(boot * std::exp(cfg_.boot_sigma * rng_.Normal()), 0.5 * boot, 4 * boot);
    if (cfg_.list_delay_s > 0) {
      changes_.Push(now + FromSeconds(std::min(cfg_.list_delay_s, boot)), {Change::kListed, idx});
    } else {
      insts_.back().listed = true;
      dirty_ = true;
    }
    changes_.Push(now + FromSeconds(boot), {Change::kRunning, idx});
    if (cfg_.interruptions_per_hour > 0) {
      double at = rng_.Exponential(3600.0 / cfg_.interruptions_per_hour);
      changes_.Push(now + FromSeconds(boot + at), {Change::kNotice, idx});
    }
  }
  closed_.peak_instances = std::max(closed_.peak_instances, alive());
  return granted;
}

util::Result<std::vector<std::string>> SimProvider::Decrease(const std::vector<std::string>& ids) {
  ++closed_.provider_calls;
  std::vector<std::string> accepted;
  Time now = clock_.Now();
  for (const auto& id : ids) {
    size_t idx = 0;
    if (std::sscanf(id.c_str(), "sim-%zu", &idx) != 1 || idx >= insts_.size()) {
      accepted.push_back(id);  // unknown counts as done
      continue;
    }
    Inst& in = insts_[idx];
    accepted.push_back(id);
    if (in.ended_flag || in.state == cloud::InstanceState::kDeleting) continue;
    in.state = cloud::InstanceState::kDeleting;
    dirty_ = true;
    changes_.Push(now + FromSeconds(cfg_.delete_s), {Change::kDeleted, idx});
  }
  return accepted;
}

util::Result<cloud::ConnectInfo> SimProvider::Connect(const std::string& id) {
  ++closed_.provider_calls;
  size_t idx = 0;
  if (std::sscanf(id.c_str(), "sim-%zu", &idx) != 1 || idx >= insts_.size() || insts_[idx].ended_flag)
    return util::Status::NotFound("sim: no instance " + id);
  if (insts_[idx].state != cloud::InstanceState::kRunning)
    return util::Status::FailedPrecondition("sim: instance " + id + " is not running");
  cloud::ConnectInfo c;
  c.id = id;
  c.username = "sim";
  c.internal_addr = "10.0." + std::to_string(idx / 256 % 256) + "." + std::to_string(idx % 256);
  return c;
}

std::vector<cloud::ProviderEvent> SimProvider::TakeEvents() {
  std::vector<cloud::ProviderEvent> out;
  out.swap(events_);
  return out;
}

Time SimProvider::NextChangeAt() const { return changes_.empty() ? Time::max() : changes_.NextAt(); }

void SimProvider::End(size_t idx, Time t) {
  Inst& in = insts_[idx];
  if (in.ended_flag) return;
  in.ended_flag = true;
  in.ended = t;
  in.state = cloud::InstanceState::kDeleted;
  alive_.erase(idx);
  double life = util::ToSeconds(t - in.launched);
  closed_.instance_seconds += life;
  closed_.cost += std::max(life, cfg_.min_billed_s) * cfg_.price_per_hour / 3600.0;
  dirty_ = true;
}

void SimProvider::AdvanceTo(Time t) {
  while (!changes_.empty() && changes_.NextAt() <= t) {
    auto e = changes_.Pop();
    auto [kind, idx] = e.payload;
    Inst& in = insts_[idx];
    if (in.ended_flag) continue;
    switch (kind) {
      case Change::kListed:
        in.listed = true;
        dirty_ = true;
        break;
      case Change::kRunning:
        in.listed = true;
        if (in.state == cloud::InstanceState::kCreating) in.state = cloud::InstanceState::kRunning;
        dirty_ = true;
        break;
      case Change::kDeleted: End(idx, e.at); break;
      case Change::kNotice:
        if (in.state == cloud::InstanceState::kDeleting) break;
        events_.push_back({cloud::ProviderEvent::Kind::kInterruptionNotice, Id(idx), e.at,
                           e.at + FromSeconds(cfg_.notice_s)});
        changes_.Push(e.at + FromSeconds(cfg_.notice_s), {Change::kKilled, idx});
        break;
      case Change::kKilled:
        ++closed_.interrupted;
        End(idx, e.at);
        events_.push_back({cloud::ProviderEvent::Kind::kGone, Id(idx), e.at, e.at});
        break;
    }
  }
}

bool SimProvider::TakeDirty() {
  bool d = dirty_;
  dirty_ = false;
  return d;
}

BillingTotals SimProvider::Totals(Time now) const {
  BillingTotals t = closed_;
  for (size_t i : alive_) {
    double life = util::ToSeconds(now - insts_[i].launched);
    t.instance_seconds += life;
    t.cost += std::max(life, cfg_.min_billed_s) * cfg_.price_per_hour / 3600.0;
  }
  return t;
}

}  // namespace sim
