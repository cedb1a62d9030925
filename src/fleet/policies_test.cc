#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "fleet/autoscaler_test_util.h"
#include "fleet/default_policy.h"
#include "fleet/docker_machine_policy.h"
#include "fleet/taskscaler_policy.h"

namespace fleet {
namespace {

TEST(DockerMachinePolicyTest, IdleTarget) {
  IdleRule r;
  r.idle_count = 10;
  EXPECT_EQ(DockerMachinePolicy::IdleTarget(r, 50), 10);
  r.scale_factor = 0.5;
  r.idle_count_min = 0;
  EXPECT_EQ(DockerMachinePolicy::IdleTarget(r, 0), 1);   // min idle forced to 1
  EXPECT_EQ(DockerMachinePolicy::IdleTarget(r, 7), 3);   // floor(3.5)
  EXPECT_EQ(DockerMachinePolicy::IdleTarget(r, 40), 10);  // capped by IdleCount
}

TEST(DockerMachinePolicyTest, IdleCountZeroCreatesOnDemandAndTakesJobs) {
  Harness h(Simple(), PolicyKind::kDockerMachine);
  EXPECT_TRUE(h.a.MayRequestJob());
  h.a.Enqueue(1);
  h.a.Enqueue(2);
  EXPECT_EQ(h.Step().launch, 2);
}

TEST(DockerMachinePolicyTest, IdleCountKeepsPoolAndRequestsOnlyWithIdleMachine) {
  AutoscalerSettings s = Simple();
  s.base.idle_count = 2;
  Harness h(s, PolicyKind::kDockerMachine);
  EXPECT_FALSE(h.a.MayRequestJob());
  EXPECT_EQ(h.Step().launch, 2);
  EXPECT_EQ(h.Step().launch, 0);  // creating machines count as available
  h.cloud.BootAll();
  h.Step();
  EXPECT_TRUE(h.a.MayRequestJob());
}

TEST(DockerMachinePolicyTest, RemovesNewerExpiredIdleMachinesFirst) {
  AutoscalerSettings s = Simple();
  s.base.idle_count = 1;
  s.base.idle_time = std::chrono::minutes(1);
  IdleRule first_hour;  // IdleCount 0 from 00:00 to 00:59: one machine per job
  first_hour.when = *Schedule::Parse({"* * 0 * * * *"}, TimeZone::Utc());
  first_hour.idle_time = std::chrono::minutes(1);
  s.periods.push_back(first_hour);
  Harness h(s, PolicyKind::kDockerMachine);
  for (JobId j = 1; j <= 3; ++j) h.a.Enqueue(j);
  h.Step();
  h.cloud.BootAll();
  h.Step();
  EXPECT_EQ(h.a.leased_jobs(), 3);
  h.Advance(3500);
  for (JobId j = 1; j <= 3; ++j) h.a.Release(j);
  h.Advance(100);  // 01:00: IdleCount 1
  Decisions d = h.Step();
  // f-001 (oldest) is kept for IdleCount 1; the newer ones go.
  ASSERT_EQ(d.remove.size(), 2u);
  EXPECT_EQ(d.remove[0].id, "f-002");
  EXPECT_EQ(d.remove[1].id, "f-003");
  EXPECT_NE(d.remove[0].reason.find("too many idle machines"), std::string::npos);
}

TEST(DockerMachinePolicyTest, ScaleFactorTargetUsesMachinesInUseSeenSoFar) {
  // IdleScaleFactor 1: the removal pass computes T from the machines in use seen before
  // each one (oldest first), so the second of two old idle machines goes although two
  // newer machines are busy (with the complete count T would be 2 and both would stay).
  AutoscalerSettings s = Simple(20);
  s.base.idle_count = 10;
  s.base.scale_factor = 1;
  s.base.idle_time = std::chrono::minutes(1);
  Harness h(s, PolicyKind::kDockerMachine);
  for (JobId j = 1; j <= 4; ++j) h.a.Enqueue(j);
  for (int i = 0; i < 6 && h.a.leased_jobs() < 4; ++i) {  // the pool grows with the machines in use
    h.cloud.BootAll();
    h.Step();
  }
  ASSERT_EQ(h.a.leased_jobs(), 4);
  h.a.Release(1);  // f-001 and f-002 idle, f-003 and f-004 busy, newer ones still booting
  h.a.Release(2);
  h.Advance(120);
  Decisions d = h.Step();
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].id, "f-002");
}

TEST(TaskscalerPolicyTest, IdleTargetWithScaleFactor) {
  IdleRule r;
  r.idle_count = 2;
  r.scale_factor = 0.5;
  r.scale_factor_limit = 4;
  EXPECT_EQ(TaskscalerPolicy::IdleTarget(r, 1), 2);
  EXPECT_EQ(TaskscalerPolicy::IdleTarget(r, 6), 3);
  EXPECT_EQ(TaskscalerPolicy::IdleTarget(r, 100), 4);
}

TEST(TaskscalerPolicyTest, CapacityFourIdleFour) {
  // The reference's example: C = 4, idle_count = 4, 6 slots in use => 3 instances.
  AutoscalerSettings s = Simple();
  s.capacity_per_instance = 4;
  s.base.idle_count = 4;
  s.base.preemptive = false;
  Harness h(s);
  for (JobId j = 1; j <= 6; ++j) h.a.Enqueue(j);
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 3);
  EXPECT_EQ(d.launch_reason, "required 3 = ceil((0 in use + 6 pending + 4 idle) / 4) - 0 instances");
}

TEST(DefaultPolicyTest, LaunchesForPendingAndExplains) {
  Harness h(Simple(), PolicyKind::kDefault);
  h.a.Enqueue(1);
  Decisions d = h.Step();
  EXPECT_GE(d.launch, 1);
  EXPECT_NE(d.launch_reason.find("1 pending"), std::string::npos) << d.launch_reason;
}

TEST(DefaultPolicyTest, KeepsHeadroomDuringABurstAndGivesItBack) {
  Harness h(Simple(200), PolicyKind::kDefault);
  for (JobId j = 1; j <= 60; ++j) {  // one job every 2 s for 2 minutes
    h.a.Enqueue(j);
    h.Step();
    h.cloud.BootAll();
    h.Advance(2);
  }
  FleetView v = h.a.View();
  EXPECT_GT(v.active(), 60);  // capacity ahead of the burst
  for (JobId j = 1; j <= 60; ++j) h.a.Release(j);
  for (int i = 0; i < 3 * 720 + 60; ++i) {  // quiet for over three hours (the burst memory)
    h.Advance(5);
    h.Step();
    h.cloud.FinishDeletes();
  }
  EXPECT_EQ(h.a.View().active(), 0);
}

TEST(DefaultPolicyTest, HonoursIdleCountFloor) {
  AutoscalerSettings s = Simple();
  s.base.idle_count = 2;
  Harness h(s, PolicyKind::kDefault);
  EXPECT_EQ(h.Step().launch, 2);
}

// A view of `idle` instances idle for an hour, with `pending` jobs waiting.
struct IdleFleet {
  IdleFleet(int idle, util::Time now) {
    settings.max_instances = 100;
    for (int i = 0; i < idle; ++i) order.insert({now - std::chrono::hours(1), "i-" + std::to_string(i)});
  }
  FleetView View(util::Time now, int pending) {
    FleetView v;
    v.now = now;
    v.settings = &settings;
    v.rule = &settings.base;
    v.idle = static_cast<int>(order.size());
    v.free_slots = v.idle;
    v.pending_jobs = pending;
    v.idle_order = &order;
    v.available_by_age = &by_age;
    v.instances = &instances;
    return v;
  }
  AutoscalerSettings settings;
  std::set<IdleKey> order;
  std::set<AgeKey> by_age;
  std::map<std::string, Instance> instances;
};

TEST(DefaultPolicyTest, KeepsWhatTheLastBootTimeWantedSoAMomentaryDipCausesNoChurn) {
  const util::Time t0(std::chrono::seconds(1704067200));
  IdleFleet f(4, t0);
  DefaultPolicy p;
  EXPECT_EQ(p.Decide(f.View(t0, 4)).launch, 0);   // target 4: all four wanted
  Plan dip = p.Decide(f.View(t0 + std::chrono::seconds(10), 0));
  EXPECT_TRUE(dip.remove.empty()) << dip.reason;  // 4 wanted 10 s ago; a boot is 90 s
  Plan later = p.Decide(f.View(t0 + std::chrono::seconds(100), 0));
  EXPECT_EQ(later.remove.size(), 4u);
  EXPECT_NE(later.reason.find("keep 0"), std::string::npos) << later.reason;
  // Without the memory the dip removes them at once.
  DefaultPolicyTuning t;
  t.hysteresis = false;
  DefaultPolicy eager(t);
  eager.Decide(f.View(t0, 4));
  EXPECT_EQ(eager.Decide(f.View(t0 + std::chrono::seconds(10), 0)).remove.size(), 4u);
}

TEST(DefaultPolicyTest, SaysOnceWhyAnInstanceStaysIdlePastIdleTime) {
  const util::Time t0(std::chrono::seconds(1704067200));
  IdleFleet f(2, t0);
  f.settings.base.idle_time = std::chrono::seconds(8);
  DefaultPolicy p;
  Plan first = p.Decide(f.View(t0, 2));  // both wanted for the two waiting jobs
  EXPECT_TRUE(first.remove.empty());
  EXPECT_EQ(first.note.rfind("keep i-0, i-1 idle past idle_time 8s: target 2 = 0 in use + 2 pending", 0), 0u)
      << first.note;
  EXPECT_NE(first.note.find("burst reserve"), std::string::npos) << first.note;
  EXPECT_EQ(p.Decide(f.View(t0 + std::chrono::seconds(10), 0)).note, "");  // still kept: said already
  Plan later = p.Decide(f.View(t0 + std::chrono::seconds(100), 0));
  EXPECT_EQ(later.remove.size(), 2u);
  EXPECT_EQ(later.note, "");
}

TEST(DefaultPolicyTest, ExplainsARecurringReserve) {
  DefaultPolicy p;
  const util::Time mon(std::chrono::seconds(1704067200));
  p.Observe({Observation::Kind::kJobQueued, mon, {}});  // history from Monday 00:00
  // Monday and Tuesday at 02:00: 40 jobs, finished by 02:20.
  for (int d = 0; d < 2; ++d) {
    for (int i = 0; i < 40; ++i) p.Observe({Observation::Kind::kJobQueued, mon + std::chrono::hours(24 * d + 2), {}});
    for (int i = 0; i < 40; ++i)
      p.Observe({Observation::Kind::kJobFinished, mon + std::chrono::hours(24 * d + 2) + std::chrono::minutes(20), {}});
  }
  IdleFleet f(0, mon);
  const util::Time wed = mon + std::chrono::hours(48 + 1) + std::chrono::minutes(55);
  Plan plan = p.Decide(f.View(wed, 0));
  EXPECT_EQ(plan.launch, 40) << plan.reason;
  EXPECT_NE(plan.reason.find("recurring 40"), std::string::npos) << plan.reason;
  EXPECT_NE(plan.reason.find("by recurring burst"), std::string::npos) << plan.reason;
}

TEST(DefaultPolicyTest, LearnsTheDailyRhythm) {
  DefaultPolicy p;
  util::Time t0 = util::Time(std::chrono::seconds(1704067200));
  // Day 1: 100 jobs between 09:00 and 09:10.
  for (int i = 0; i < 100; ++i) p.Observe({Observation::Kind::kJobQueued, t0 + std::chrono::hours(9) + std::chrono::seconds(i * 6), {}});
  int n = 0;
  double rate = p.forecast().ProfileRate(t0 + std::chrono::hours(24 + 9) + std::chrono::minutes(5), &n);
  // Nothing more observed: the profile holds once the day has rolled over.
  p.Observe({Observation::Kind::kJobQueued, t0 + std::chrono::hours(33), {}});
  rate = p.forecast().ProfileRate(t0 + std::chrono::hours(24 + 9) + std::chrono::minutes(5), &n);
  EXPECT_EQ(n, 1);
  EXPECT_NEAR(rate, 100.0 / 600, 1e-9);
}

}  // namespace
}  // namespace fleet
