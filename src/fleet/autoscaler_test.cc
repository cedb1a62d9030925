#include "fleet/autoscaler.h"

#include <gtest/gtest.h>

#include "fleet/autoscaler_test_util.h"

namespace fleet {
namespace {

using Calls = std::vector<std::string>;

TEST(AutoscalerTest, LaunchesForAPendingJobThenLeasesAndReleases) {
  Harness h(Simple());
  ASSERT_TRUE(h.a.MayRequestJob());
  h.a.Enqueue(1);
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 1);
  EXPECT_EQ(h.cloud.calls, Calls{"increase 1"});
  EXPECT_TRUE(d.leases.empty());
  h.Advance(30);
  h.cloud.BootAll();
  d = h.Step();
  ASSERT_EQ(d.leases.size(), 1u);
  EXPECT_EQ(d.leases[0].instance, "f-001");
  EXPECT_EQ(d.leases[0].waited, std::chrono::seconds(30));
  EXPECT_EQ(h.a.leased_jobs(), 1);
  h.a.Release(1);
  EXPECT_EQ(h.Count(InstanceState::kReady), 1);
  EXPECT_EQ(h.a.View().idle, 1);
}

TEST(AutoscalerTest, TickReadsTheClockOnce) {
  Harness h(Simple());
  h.a.Enqueue(1);
  h.a.Sync({});
  h.clock.reads = 0;
  h.a.Tick();
  EXPECT_EQ(h.clock.reads, 1);
}

TEST(AutoscalerTest, NeverAboveMaxInstances) {
  Harness h(Simple(3), PolicyKind::kDockerMachine);  // IdleCount 0: one machine per job
  for (JobId j = 1; j <= 10; ++j) h.a.Enqueue(j);
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 3);
  ASSERT_FALSE(d.notes.empty());
  EXPECT_EQ(d.notes[0], "max_instances 3 reached");
  d = h.Step();
  EXPECT_EQ(d.launch, 0);
  EXPECT_EQ(h.cloud.calls, Calls{"increase 3"});
}

TEST(AutoscalerTest, CapacityPerInstanceSharesAnInstance) {
  AutoscalerSettings s = Simple();
  s.capacity_per_instance = 2;
  Harness h(s);
  h.a.Enqueue(1);
  h.a.Enqueue(2);
  EXPECT_EQ(h.Step().launch, 1);
  h.cloud.BootAll();
  Decisions d = h.Step();
  ASSERT_EQ(d.leases.size(), 2u);
  EXPECT_EQ(d.leases[0].instance, d.leases[1].instance);
}

TEST(AutoscalerTest, MaxUseCountRemovesAfterItsLastJob) {
  AutoscalerSettings s = Simple();
  s.max_use_count = 1;
  Harness h(s);
  h.a.Enqueue(1);
  h.Step();
  h.cloud.BootAll();
  h.Step();
  h.a.Release(1);
  Decisions d = h.Step();
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].id, "f-001");
  EXPECT_EQ(d.remove[0].reason, "max_use_count 1 reached");
  EXPECT_EQ(h.cloud.calls.back(), "decrease f-001");
}

TEST(AutoscalerTest, IdleInstanceRemovedAfterIdleTimeUnlessNeededForIdleCount) {
  AutoscalerSettings s = Simple();
  s.base.idle_count = 1;
  Harness h(s);
  EXPECT_EQ(h.Step().launch, 1);  // keep one idle slot
  h.cloud.BootAll();
  h.Step();
  h.a.Enqueue(1);
  Decisions d = h.Step();  // the job takes the idle one; one more launched for idle_count
  EXPECT_EQ(d.leases.size(), 1u);
  EXPECT_EQ(d.launch, 1);
  h.cloud.BootAll();
  h.Step();
  h.Advance(10);
  h.a.Release(1);  // now two idle, one needed
  h.Advance(289);
  EXPECT_TRUE(h.Step().remove.empty());
  h.Advance(2);
  d = h.Step();
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].id, "f-002");  // idle longest (since it booted, before f-001's job ended)
  h.Advance(600);
  EXPECT_TRUE(h.Step().remove.empty());  // the last one holds idle_count
}

TEST(AutoscalerTest, NeverRemovesALeasedInstance) {
  struct Greedy final : Policy {
    std::string_view Name() const override { return "greedy"; }
    bool MayRequestJob(const FleetView&) const override { return true; }
    Plan Decide(const FleetView& v) override {
      Plan p;
      for (const auto& [id, in] : *v.instances) p.remove.push_back(id);
      p.launch = v.pending_jobs > v.active() ? 1 : 0;
      p.reason = "remove everything";
      return p;
    }
  };
  Harness h(Simple(), std::make_unique<Greedy>());
  h.a.Enqueue(1);
  h.Step();
  h.cloud.BootAll();
  Decisions d = h.Step();  // leased before the policy runs: the removal is refused
  EXPECT_EQ(d.leases.size(), 1u);
  EXPECT_TRUE(d.remove.empty());
  h.a.Release(1);
  d = h.Step();
  EXPECT_EQ(d.remove.size(), 1u);
}

TEST(AutoscalerTest, CreationFailureBacksOffExponentially) {
  Harness h(Simple());
  h.cloud.fail_increases = 2;
  h.a.Enqueue(1);
  h.Step();  // fails
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 0);
  ASSERT_FALSE(d.notes.empty());
  EXPECT_EQ(d.notes[0], "launch of 1 failed: resource exhausted: fake: no capacity; no launches for 10s (failure 1)");
  h.Advance(10);
  h.Step();  // fails again: 20 s now
  h.Advance(19);
  EXPECT_EQ(h.Step().launch, 0);
  h.Advance(1);
  EXPECT_EQ(h.Step().launch, 1);
  EXPECT_EQ(h.cloud.calls, (Calls{"increase 1", "increase 1", "increase 1"}));
}

TEST(AutoscalerTest, PartialGrantIsTopUpLater) {
  Harness h(Simple());
  h.cloud.grant_cap = 1;
  for (JobId j = 1; j <= 3; ++j) h.a.Enqueue(j);
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 3);
  d = h.Step();
  EXPECT_EQ(d.launch, 2);
  EXPECT_EQ(d.notes.front(), "launch granted 1 of 3");
}

TEST(AutoscalerTest, GrantNeverListedIsForgottenAfterCreationTimeout) {
  Harness h(Simple());
  h.a.Enqueue(1);
  h.Step();
  h.cloud.live.clear();  // the cloud lost it
  h.Advance(601);
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 0);  // backing off after the lost grant
  EXPECT_EQ(d.notes.front(), "1 granted instance(s) never appeared within 600s; no launches for 10s (failure 1)");
  h.Advance(10);
  EXPECT_EQ(h.Step().launch, 1);
}

TEST(AutoscalerTest, InstanceGoneUnderAJobFailsItAsRunnerSystemFailure) {
  Harness h(Simple());
  h.a.Enqueue(7);
  h.Step();
  h.cloud.BootAll();
  h.Step();
  h.cloud.live.clear();
  Decisions d = h.Step();
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].job, 7);
  EXPECT_EQ(d.failures[0].failure_reason, "runner_system_failure");
  EXPECT_EQ(d.failures[0].message, "instance f-001 disappeared");
  EXPECT_EQ(h.a.leased_jobs(), 0);
}

TEST(AutoscalerTest, InterruptionNoticeDrainsAndReplaces) {
  AutoscalerSettings s = Simple();
  s.base.idle_count = 1;
  Harness h(s);
  h.Step();
  h.cloud.BootAll();
  h.Step();
  h.cloud.events.push_back({cloud::ProviderEvent::Kind::kInterruptionNotice, "f-001", {}, {}});
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 1);  // a replacement for the idle slot
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].reason, "spot interruption notice");
}

TEST(AutoscalerTest, UnhealthyInstanceRemovedAndItsJobFailed) {
  Harness h(Simple());
  h.a.Enqueue(1);
  h.Step();
  h.cloud.BootAll();
  h.Step();
  for (int i = 0; i < 3; ++i) h.a.ReportHealth("f-001", false);
  Decisions d = h.Step();
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].message, "instance f-001 is unhealthy");
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].reason, "unhealthy: 3 failed health checks");
}

TEST(AutoscalerTest, AnInterruptedInstanceThatTurnsUnhealthyKeepsItsReason) {
  Harness h(Simple());
  h.a.Enqueue(1);
  h.Step();
  h.cloud.BootAll();
  h.Step();
  h.cloud.events.push_back({cloud::ProviderEvent::Kind::kInterruptionNotice, "f-001", {}, {}});
  h.Step();
  for (int i = 0; i < 3; ++i) h.a.ReportHealth("f-001", false);  // its job ended as a system failure
  Decisions d = h.Step();
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].reason, "spot interruption notice");
}

TEST(AutoscalerTest, AcquireTimeoutFailsAWaitingJob) {
  Harness h(Simple());
  h.cloud.fail_increases = 1000;
  h.a.Enqueue(1);
  h.Step();
  h.Advance(15 * 60);
  Decisions d = h.Step();
  ASSERT_EQ(d.failures.size(), 1u);
  EXPECT_EQ(d.failures[0].message, "no instance within acquire timeout 900s");
  EXPECT_EQ(h.a.pending_jobs(), 0);
}

TEST(AutoscalerTest, PreemptiveModeAsksOnlyWithAFreeSlot) {
  AutoscalerSettings s = Simple();
  s.base.idle_count = 1;  // preemptive by default
  Harness h(s);
  EXPECT_FALSE(h.a.MayRequestJob());
  h.Step();
  h.cloud.BootAll();
  h.Step();
  EXPECT_TRUE(h.a.MayRequestJob());
  h.a.Enqueue(1);
  EXPECT_FALSE(h.a.MayRequestJob());
}

TEST(AutoscalerTest, SchedulePeriodRaisesIdleCount) {
  AutoscalerSettings s = Simple();
  IdleRule day;
  day.when = *Schedule::Parse({"* 9-17 * * mon-fri"}, TimeZone::Utc());
  day.idle_count = 3;
  s.periods.push_back(day);
  Harness h(s);
  EXPECT_EQ(h.Step().launch, 0);  // Monday 00:00
  h.Advance(9 * 3600);
  EXPECT_EQ(h.Step().launch, 3);
}

TEST(AutoscalerTest, RequestingStopsAtTheRunnerLimit) {
  AutoscalerSettings s = Simple();
  s.max_jobs = 2;
  Harness h(s);
  h.a.Enqueue(1);
  h.a.Enqueue(2);
  EXPECT_FALSE(h.a.MayRequestJob());
}

}  // namespace
}  // namespace fleet
