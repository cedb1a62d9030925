#pragma once
// sim::SimProvider: a simulated cloud behind cloud::Provider, on virtual time.
// Boot times are drawn from a lognormal around a median; billing is per second with a
// minimum (60 s) from launch to deletion; it can interrupt spot instances (2-minute
// notice, then gone), grant fewer instances than asked, fail launches, list new
// instances late. All randomness comes from the Rng it is handed.
// The simulator moves it: NextChangeAt() says when its world changes next, AdvanceTo()
// applies changes up to a time. Not thread-safe.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "cloud/provider.h"
#include "sim/event_queue.h"
#include "sim/rng.h"

namespace sim {

struct SimProviderConfig {
  double boot_median_s = 60;          // launch to running
  double boot_sigma = 0.15;           // lognormal spread; 0 = every boot takes the median
  double delete_s = 5;                // delete request to gone (billed)
  double price_per_hour = 0.035;      // spot price, USD per instance-hour
  double min_billed_s = 60;           // billing minimum per instance
  double interruptions_per_hour = 0;  // per running instance (hazard)
  double notice_s = 120;              // interruption notice before the instance is gone
  double partial_grant_rate = 0;      // chance an Increase grants only part of n
  double fail_rate = 0;               // chance an Increase fails (no capacity)
  double list_delay_s = 0;            // new instances show in List() this much later
};

struct BillingTotals {
  double instance_seconds = 0;  // actual lifetimes
  double cost = 0;              // with the billing minimum
  int peak_instances = 0;
  int64_t launched = 0;
  int64_t interrupted = 0;
  int64_t provider_calls = 0;   // List + Increase + Decrease + Connect
};

class SimProvider final : public cloud::Provider {
 public:
  SimProvider(const util::Clock& clock, SimProviderConfig config, Rng& rng);

  util::Result<std::vector<cloud::InstanceInfo>> List() override;
  util::Result<int> Increase(int n) override;
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override;
  util::Result<cloud::ConnectInfo> Connect(const std::string& id) override;
  std::vector<cloud::ProviderEvent> TakeEvents() override;

  // Time::max() when nothing is scheduled.
  util::Time NextChangeAt() const;
  void AdvanceTo(util::Time t);
  // True once after List() would show something new.
  bool TakeDirty();
  int alive() const { return static_cast<int>(alive_.size()); }
  // Totals with every live instance billed up to `now`.
  BillingTotals Totals(util::Time now) const;

 private:
  enum class Change { kListed, kRunning, kDeleted, kNotice, kKilled };
  struct Inst {
    std::string id;
    util::Time launched, ended;
    cloud::InstanceState state = cloud::InstanceState::kCreating;
    bool listed = false, ended_flag = false;
  };
  static std::string Id(size_t idx);
  void End(size_t idx, util::Time t);

  const util::Clock& clock_;
  SimProviderConfig cfg_;
  Rng& rng_;
  std::vector<Inst> insts_;
  std::set<size_t> alive_;  // id order
  EventQueue<std::pair<Change, size_t>> changes_;
  std::vector<cloud::ProviderEvent> events_;
  bool dirty_ = false;
  BillingTotals closed_;
};

}  // namespace sim
