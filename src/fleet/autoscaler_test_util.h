#pragma once
// A test harness: an Autoscaler on a ManualClock over a FakeProvider, stepped by hand.
#include <memory>

#include "fleet/autoscaler.h"
#include "fleet/fake_provider.h"

namespace fleet {

// A clock that counts its reads (Tick must read it once).
class CountingClock final : public util::Clock {
 public:
  util::Time Now() const override {
    ++reads;
    return inner.Now();
  }
  util::ManualClock inner{util::Time(std::chrono::seconds(1704067200))};  // Mon 2024-01-01 00:00 UTC
  mutable int reads = 0;
};

struct Harness {
  explicit Harness(AutoscalerSettings s, PolicyKind kind = PolicyKind::kTaskscaler)
      : a(clock, std::move(s), MakePolicy(kind)) {}
  Harness(AutoscalerSettings s, std::unique_ptr<Policy> p) : a(clock, std::move(s), std::move(p)) {}
  // Sync, events, tick, apply: one loop turn of a manager.
  Decisions Step() {
    a.Sync(*cloud.List());
    for (const auto& e : cloud.TakeEvents()) a.OnEvent(e);
    Decisions d = a.Tick();
    a.Apply(d, cloud);
    return d;
  }
  void Advance(double s) { clock.inner.Advance(util::FromSeconds(s)); }
  int Count(InstanceState st) const {
    int n = 0;
    for (const auto& [id, in] : a.instances()) n += in.state == st;
    return n;
  }

  CountingClock clock;
  FakeProvider cloud;
  Autoscaler a;
};

inline AutoscalerSettings Simple(int max_instances = 10) {
  AutoscalerSettings s;
  s.max_instances = max_instances;
  s.base.idle_time = std::chrono::minutes(5);
  return s;
}

}  // namespace fleet
