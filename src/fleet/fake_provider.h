#pragma once
// fleet::FakeProvider: an in-memory cloud::Provider for tests. It records every call
// ("increase 3", "decrease f-001,f-002") and lets the test move instances by hand.
// Faults: fail the next N increases, cap grants, drop instances.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "cloud/provider.h"

namespace fleet {

class FakeProvider final : public cloud::Provider {
 public:
  std::vector<std::string> calls;
  int fail_increases = 0;  // the next N Increase calls fail with kResourceExhausted
  int grant_cap = -1;      // grant at most this many per Increase; -1 = all
  std::map<std::string, cloud::InstanceInfo> live;

  util::Result<std::vector<cloud::InstanceInfo>> List() override {
    std::vector<cloud::InstanceInfo> out;
    for (const auto& [id, i] : live) out.push_back(i);
    return out;
  }
  util::Result<int> Increase(int n) override {
    calls.push_back("increase " + std::to_string(n));
    if (fail_increases > 0) {
      --fail_increases;
      return util::Status::ResourceExhausted("fake: no capacity");
    }
    int g = grant_cap >= 0 ? std::min(n, grant_cap) : n;
    for (int k = 0; k < g; ++k) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "f-%03d", next_++);
      live[buf] = {buf, cloud::InstanceState::kCreating, {}};
    }
    return g;
  }
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override {
    std::string c = "decrease ";
    for (size_t i = 0; i < ids.size(); ++i) c += (i ? "," : "") + ids[i];
    calls.push_back(c);
    for (const auto& id : ids) {
      auto it = live.find(id);
      if (it != live.end()) it->second.state = cloud::InstanceState::kDeleting;
    }
    return ids;
  }
  util::Result<cloud::ConnectInfo> Connect(const std::string& id) override {
    if (!live.count(id)) return util::Status::NotFound(id);
    cloud::ConnectInfo c;
    c.id = id;
    return c;
  }
  std::vector<cloud::ProviderEvent> TakeEvents() override {
    std::vector<cloud::ProviderEvent> e;
    e.swap(events);
    return e;
  }
  // Test controls.
  void BootAll() {
    for (auto& [id, i] : live)
      if (i.state == cloud::InstanceState::kCreating) i.state = cloud::InstanceState::kRunning;
  }
  void FinishDeletes() {
    for (auto it = live.begin(); it != live.end();)
      it = it->second.state == cloud::InstanceState::kDeleting ? live.erase(it) : std::next(it);
  }
  std::vector<cloud::ProviderEvent> events;

 private:
  int next_ = 1;
};

}  // namespace fleet
