#include "fleet/settings.h"

#include <gtest/gtest.h>

#include "util/testing/test_util.h"

namespace fleet {
namespace {

TEST(SettingsTest, DockerMachineMapping) {
  config::RunnerConfig r;
  r.name = "m";
  r.executor = "docker+machine";
  r.limit = 20;
  r.has_machine = true;
  r.machine.idle_count = 5;
  r.machine.idle_time = 600;
  r.machine.max_builds = 10;
  r.machine.max_growth_rate = 3;
  config::MachineAutoscaling a;
  a.periods = {"* * 9-17 * * mon-fri *"};
  a.timezone = "UTC";
  a.idle_count = 15;
  a.idle_time = 1200;
  r.machine.autoscaling.push_back(a);
  auto s = SettingsFromRunner(r, nullptr);
  ASSERT_OK(s);
  EXPECT_EQ(s->capacity_per_instance, 1);
  EXPECT_EQ(s->max_instances, 20);
  EXPECT_EQ(s->max_jobs, 20);
  EXPECT_EQ(s->max_use_count, 10);
  EXPECT_EQ(s->max_growth_rate, 3);
  EXPECT_EQ(s->base.idle_count, 5);
  EXPECT_EQ(s->base.idle_time, std::chrono::seconds(600));
  util::Time monday = util::Time(std::chrono::seconds(1704067200));
  EXPECT_EQ(s->RuleAt(monday).idle_count, 5);
  EXPECT_EQ(s->RuleAt(monday + std::chrono::hours(10)).idle_count, 15);
}

TEST(SettingsTest, AutoscalerMappingLastMatchingPolicyWins) {
  config::RunnerConfig r;
  r.executor = "docker-autoscaler";
  r.has_autoscaler = true;
  r.autoscaler.capacity_per_instance = 2;
  r.autoscaler.max_instances = 10;
  r.autoscaler.max_use_count = 4;
  config::AutoscalerPolicy all;
  all.idle_count = 2;
  config::AutoscalerPolicy weekend;
  weekend.periods = {"* * * * sat,sun"};
  weekend.idle_count = 0;
  weekend.timezone = "UTC";
  r.autoscaler.policies = {all, weekend};
  auto s = SettingsFromRunner(r, nullptr);
  ASSERT_OK(s);
  EXPECT_EQ(s->capacity_per_instance, 2);
  util::Time monday = util::Time(std::chrono::seconds(1704067200));
  EXPECT_EQ(s->RuleAt(monday).idle_count, 2);
  EXPECT_TRUE(s->RuleAt(monday).Preemptive());
  EXPECT_EQ(s->RuleAt(monday + std::chrono::hours(24 * 5)).idle_count, 0);
}

TEST(SettingsTest, ImpossibleLimitsAreClearErrors) {
  config::RunnerConfig r;
  r.name = "bad";
  r.executor = "docker-autoscaler";
  r.has_autoscaler = true;
  r.autoscaler.max_instances = 2;
  config::AutoscalerPolicy p;
  p.idle_count = 5;
  r.autoscaler.policies = {p};
  EXPECT_EQ(SettingsFromRunner(r, nullptr).status().message(),
            "runner \"bad\": period 1: idle_count 5 is above what max_instances 2 x capacity_per_instance 1 can hold");
  r.autoscaler.policies[0].idle_count = 1;
  r.autoscaler.policies[0].periods = {"* * * *"};
  EXPECT_EQ(SettingsFromRunner(r, nullptr).status().message(),
            "runners.autoscaler.policy[0]: cron \"* * * *\": want 5, 6 or 7 fields, got 4");
  r.autoscaler.policies[0].periods = {"* * * * *"};
  r.autoscaler.policies[0].timezone = "Europe/Berlin";
  EXPECT_EQ(SettingsFromRunner(r, nullptr).status().message(),
            "runners.autoscaler.policy[0]: time zone Europe/Berlin: no zone database available");
}

TEST(SettingsTest, PolicyNames) {
  EXPECT_EQ(*ParsePolicyKind("docker-machine"), PolicyKind::kDockerMachine);
  EXPECT_EQ(ParsePolicyKind("magic").status().message(),
            "unknown policy \"magic\" (want default, docker-machine or taskscaler)");
}

TEST(SettingsTest, FleetPolicyChoosesThePolicy) {
  config::RunnerConfig r;
  r.name = "m";
  r.executor = "docker+machine";
  r.machine.idle_time = 8;
  auto s = SettingsFromRunner(r, nullptr);
  ASSERT_OK(s);
  EXPECT_EQ(s->policy, PolicyKind::kDefault);
  r.fleet_policy = "docker-machine";
  EXPECT_EQ(SettingsFromRunner(r, nullptr)->policy, PolicyKind::kDockerMachine);
  r.fleet_policy = "taskscaler";
  EXPECT_EQ(SettingsFromRunner(r, nullptr)->policy, PolicyKind::kTaskscaler);
  r.fleet_policy = "exact";
  EXPECT_EQ(SettingsFromRunner(r, nullptr).status().message(),
            "runners.fleet_policy: unknown policy \"exact\" (want default, docker-machine or taskscaler)");
}

TEST(SettingsTest, DescribePolicyNamesThePolicyAndWhatTheIdleKeysDo) {
  config::RunnerConfig r;
  r.executor = "docker+machine";
  r.machine.idle_count = 0;
  r.machine.idle_time = 8;
  auto s = SettingsFromRunner(r, nullptr);
  ASSERT_OK(s);
  EXPECT_EQ(DescribePolicy(*s, s->base, true),
            "policy default (spotrunner's own): keeps ready the jobs running and waiting plus the burst reserve "
            "(idle slots for the bursts this fleet has seen), at least IdleCount 0 idle; surplus idle instances go "
            "after min(2 boot times, IdleTime 8s); fleet_policy = \"docker-machine\" or \"taskscaler\" asks for "
            "their exact rules");
  r.fleet_policy = "docker-machine";
  s = SettingsFromRunner(r, nullptr);
  ASSERT_OK(s);
  EXPECT_EQ(DescribePolicy(*s, s->base, true),
            "policy docker-machine (fleet_policy): keeps IdleCount 0 idle machines; an idle machine beyond them goes "
            "after IdleTime 8s");

  config::RunnerConfig a;
  a.executor = "docker-autoscaler";
  a.fleet_policy = "taskscaler";
  config::AutoscalerPolicy p;
  p.idle_count = 2;
  p.scale_factor = 0.5;
  a.autoscaler.policies = {p};
  s = SettingsFromRunner(a, nullptr);
  ASSERT_OK(s);
  EXPECT_EQ(DescribePolicy(*s, s->RuleAt(util::Time(std::chrono::seconds(1704067200))), false),
            "policy taskscaler (fleet_policy): keeps idle_count 2 idle slots (or scale_factor x in use); an idle "
            "instance beyond them goes after idle_time 300s; values in force now (1 period(s) configured)");
}

}  // namespace
}  // namespace fleet
