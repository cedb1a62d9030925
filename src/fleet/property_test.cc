// Property tests over random workloads, for every policy: never above max_instances,
// never removes an instance with a lease, every job eventually runs, no instance leaks.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "fleet/autoscaler_test_util.h"

namespace fleet {
namespace {

struct Param {
  PolicyKind kind;
  uint64_t seed;
};

class PropertyTest : public ::testing::TestWithParam<Param> {};

TEST_P(PropertyTest, RandomWorkload) {
  std::mt19937_64 rng(GetParam().seed);
  auto uni = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
  AutoscalerSettings s = Simple(1 + static_cast<int>(rng() % 12));
  s.capacity_per_instance = 1 + static_cast<int>(rng() % 3);
  s.max_use_count = static_cast<int>(rng() % 4);
  s.base.idle_count = static_cast<int>(rng() % (s.max_instances + 1));
  s.base.idle_time = std::chrono::seconds(rng() % 300);
  if (s.base.idle_count > 0) s.base.preemptive = rng() % 2 == 0;
  s.acquire_timeout = std::chrono::hours(100);  // jobs must wait, not fail
  Harness h(s, GetParam().kind);

  std::map<JobId, double> running;  // job -> seconds left
  std::set<JobId> waiting_outside;  // in GitLab's queue
  JobId next_job = 1;
  int done = 0;
  const int total_jobs = 150;
  std::map<std::string, int> booting_left;  // fake boot delays (steps)
  for (int step = 0; step < 20000 && done < total_jobs; ++step) {
    h.Advance(5);
    if (next_job <= total_jobs && uni() < 0.3) waiting_outside.insert(next_job++);
    // The cloud: boots after a random number of steps, sometimes fails or drops instances.
    h.cloud.fail_increases = uni() < 0.1 ? 1 : 0;
    h.cloud.grant_cap = uni() < 0.2 ? 1 : -1;
    for (auto& [id, info] : h.cloud.live) {
      if (info.state != cloud::InstanceState::kCreating) continue;
      if (!booting_left.count(id)) booting_left[id] = static_cast<int>(rng() % 6);
      if (booting_left[id]-- <= 0) info.state = cloud::InstanceState::kRunning;
    }
    if (uni() < 0.02 && !h.cloud.live.empty()) {  // an interruption
      auto it = h.cloud.live.begin();
      std::advance(it, static_cast<long>(rng() % h.cloud.live.size()));
      h.cloud.events.push_back({cloud::ProviderEvent::Kind::kGone, it->first, {}, {}});
      h.cloud.live.erase(it);
    }
    if (uni() < 0.5) h.cloud.FinishDeletes();
    while (!waiting_outside.empty() && h.a.MayRequestJob()) {
      h.a.Enqueue(*waiting_outside.begin());
      waiting_outside.erase(waiting_outside.begin());
    }
    for (auto it = running.begin(); it != running.end();) {
      if ((it->second -= 5) <= 0) {
        h.a.Release(it->first);
        ++done;
        it = running.erase(it);
      } else {
        ++it;
      }
    }
    std::set<std::string> leased;
    for (const auto& [id, in] : h.a.instances())
      if (in.leases > 0) leased.insert(id);
    Decisions d = h.Step();
    for (const auto& r : d.remove) ASSERT_FALSE(leased.count(r.id)) << "removed leased " << r.id;
    for (const auto& l : d.leases) running[l.job] = 5 + static_cast<double>(rng() % 120);
    for (const auto& f : d.failures) {
      running.erase(f.job);
      waiting_outside.insert(f.job);  // GitLab retries
    }
    ASSERT_LE(static_cast<int>(h.cloud.live.size()), s.max_instances);
    ASSERT_LE(h.a.View().total(), s.max_instances);
  }
  ASSERT_EQ(done, total_jobs) << "jobs left waiting: " << waiting_outside.size() + h.a.pending_jobs();
  // Quiet, and restarted with no idle floor: a fresh autoscaler adopts what the cloud
  // lists (as after a manager restart) and everything goes away.
  AutoscalerSettings quiet = s;
  quiet.base.idle_count = 0;
  Autoscaler b(h.clock, quiet, MakePolicy(GetParam().kind));
  for (int i = 0; i < 400; ++i) {
    h.Advance(30);
    h.cloud.BootAll();
    b.Sync(*h.cloud.List());
    Decisions d = b.Tick();
    b.Apply(d, h.cloud);
    h.cloud.FinishDeletes();
  }
  EXPECT_TRUE(h.cloud.live.empty()) << h.cloud.live.size() << " instances leaked";
}

std::vector<Param> Params() {
  std::vector<Param> v;
  for (auto k : {PolicyKind::kDefault, PolicyKind::kDockerMachine, PolicyKind::kTaskscaler})
    for (uint64_t seed = 1; seed <= 12; ++seed) v.push_back({k, seed});
  return v;
}

INSTANTIATE_TEST_SUITE_P(Random, PropertyTest, ::testing::ValuesIn(Params()), [](const auto& info) {
  return std::string(PolicyKindName(info.param.kind) == std::string("docker-machine") ? "docker_machine"
                                                                                       : PolicyKindName(info.param.kind)) +
         "_" + std::to_string(info.param.seed);
});

}  // namespace
}  // namespace fleet
