// Autoscaler::UpdateSettings: a config reload reaches the live autoscaler, on a manual clock.
#include <gtest/gtest.h>

#include "fleet/autoscaler.h"
#include "fleet/autoscaler_test_util.h"

namespace fleet {
namespace {

using Calls = std::vector<std::string>;

bool HasNote(const Decisions& d, const std::string& text) {
  for (const auto& n : d.notes) {
    if (n == text) return true;
  }
  return false;
}

// A fleet holding `idle` ready instances and nothing else.
AutoscalerSettings Idle(int idle, int max_instances = 10) {
  AutoscalerSettings s = Simple(max_instances);
  s.base.idle_count = idle;
  return s;
}

TEST(AutoscalerReloadTest, RaisedIdleCountLaunchesOneMoreAndKeepsTheFirst) {
  Harness h(Idle(1));
  EXPECT_EQ(h.Step().launch, 1);
  h.cloud.BootAll();
  h.Step();
  ASSERT_EQ(h.a.View().idle, 1);

  h.a.UpdateSettings(Idle(2));
  Decisions d = h.Step();
  EXPECT_EQ(d.launch, 1);
  EXPECT_TRUE(d.remove.empty());
  EXPECT_TRUE(HasNote(d, "settings updated: idle_count 1 -> 2")) << ::testing::PrintToString(d.notes);
  h.cloud.BootAll();
  h.Step();
  EXPECT_EQ(h.a.View().idle, 2);
  EXPECT_EQ(h.a.instances().count("f-001"), 1u);  // the first instance was not recreated
  EXPECT_EQ(h.cloud.calls, (Calls{"increase 1", "increase 1"}));
}

TEST(AutoscalerReloadTest, LoweredIdleCountRemovesAfterIdleTimeOnly) {
  Harness h(Idle(2));
  h.Step();
  h.cloud.BootAll();
  h.Step();
  ASSERT_EQ(h.a.View().idle, 2);
  h.a.UpdateSettings(Idle(1));
  EXPECT_TRUE(h.Step().remove.empty());  // both are younger than idle_time
  h.Advance(5 * 60 + 1);
  Decisions d = h.Step();
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(h.a.View().idle, 1);
}

TEST(AutoscalerReloadTest, LoweredMaxInstancesRemovesIdleExcessButNoLeasedInstance) {
  Harness h(Idle(3));
  h.Step();
  h.cloud.BootAll();
  h.Step();
  h.a.Enqueue(1);
  Decisions d = h.Step();
  ASSERT_EQ(d.leases.size(), 1u);
  const std::string leased = d.leases[0].instance;
  h.cloud.BootAll();
  h.Step();  // the replacement idle instance is ready: 4 instances, one busy

  h.a.UpdateSettings(Idle(1, 2));
  d = h.Step();
  ASSERT_EQ(d.remove.size(), 2u);
  for (const auto& r : d.remove) {
    EXPECT_NE(r.id, leased);
    EXPECT_EQ(r.reason, "max_instances lowered to 2");
  }
  EXPECT_EQ(d.launch, 0);
  h.cloud.FinishDeletes();
  h.Step();
  EXPECT_EQ(h.a.View().total(), 2);
  EXPECT_EQ(h.a.leased_jobs(), 1);
}

TEST(AutoscalerReloadTest, LoweredMaxUseCountDrainsInstancesThatReachedIt) {
  Harness h(Idle(0));
  h.a.Enqueue(1);
  h.Step();
  h.cloud.BootAll();
  Decisions d = h.Step();
  ASSERT_EQ(d.leases.size(), 1u);
  h.a.Release(1);
  AutoscalerSettings s = Idle(0);
  s.max_use_count = 1;
  h.a.UpdateSettings(s);
  d = h.Step();
  ASSERT_EQ(d.remove.size(), 1u);
  EXPECT_EQ(d.remove[0].reason, "max_use_count 1 reached");
  EXPECT_TRUE(HasNote(d, "settings updated: max_use_count 0 -> 1"));
}

TEST(AutoscalerReloadTest, LoweredCapacityKeepsRunningJobsAndTakesNoMoreOnThatInstance) {
  AutoscalerSettings two = Idle(0);
  two.capacity_per_instance = 2;
  Harness h(two);
  h.a.Enqueue(1);
  h.a.Enqueue(2);
  h.Step();
  h.cloud.BootAll();
  ASSERT_EQ(h.Step().leases.size(), 2u);

  h.a.UpdateSettings(Idle(0));  // capacity_per_instance 1
  EXPECT_EQ(h.a.leased_jobs(), 2);
  EXPECT_EQ(h.a.View().free_slots, 0);  // not -1: the extra job does not count against others
  h.a.Release(1);
  EXPECT_EQ(h.a.View().free_slots, 0);  // one job left on a one-slot instance
  h.a.Enqueue(3);
  Decisions d = h.Step();
  EXPECT_TRUE(d.leases.empty());
  EXPECT_EQ(d.launch, 1);
  h.a.Release(2);
  d = h.Step();
  ASSERT_EQ(d.leases.size(), 1u);
  EXPECT_EQ(d.leases[0].instance, "f-001");
}

TEST(AutoscalerReloadTest, NewPolicyReplacesTheOldOne) {
  AutoscalerSettings before = Idle(0);
  before.policy = PolicyKind::kTaskscaler;
  Harness h(before, PolicyKind::kTaskscaler);
  EXPECT_EQ(h.a.policy().Name(), MakePolicy(PolicyKind::kTaskscaler)->Name());
  AutoscalerSettings s = Idle(0);
  s.policy = PolicyKind::kDockerMachine;
  h.a.UpdateSettings(s, MakePolicy(PolicyKind::kDockerMachine));
  EXPECT_EQ(h.a.policy().Name(), MakePolicy(PolicyKind::kDockerMachine)->Name());
  EXPECT_TRUE(HasNote(h.Step(), "settings updated: policy taskscaler -> docker-machine"));
}

}  // namespace
}  // namespace fleet
