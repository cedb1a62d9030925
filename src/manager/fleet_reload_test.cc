#include "manager/fleet_reload.h"

#include <gtest/gtest.h>

namespace manager {
namespace {

config::RunnerConfig LocalFleet() {
  config::RunnerConfig r;
  r.name = "fleet";
  r.url = "http://127.0.0.1:1";
  r.token = "glrt-secret";
  r.executor = "docker-autoscaler";
  r.has_autoscaler = true;
  r.autoscaler.plugin = "local";
  r.autoscaler.plugin_config_json = R"({"name":"f1"})";
  r.autoscaler.max_instances = 3;
  config::AutoscalerPolicy p;
  p.idle_count = 1;
  r.autoscaler.policies.push_back(p);
  return r;
}

TEST(CompareEntryTest, SameEntryIsNoChange) {
  ReloadVerdict v = CompareEntry(LocalFleet(), LocalFleet());
  EXPECT_EQ(v.change, EntryChange::kNone);
  EXPECT_EQ(v.reason, "");
}

TEST(CompareEntryTest, NonScalingChangeOfAFleetEntryIsNoChange) {
  config::RunnerConfig after = LocalFleet();
  after.environment = {"A=b"};
  after.docker.image = "alpine:latest";
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kNone);
}

TEST(CompareEntryTest, IdleAndLimitChangesAreSettings) {
  config::RunnerConfig after = LocalFleet();
  after.autoscaler.policies[0].idle_count = 2;
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kSettings);
  after = LocalFleet();
  after.autoscaler.max_instances = 5;
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kSettings);
  after = LocalFleet();
  after.autoscaler.capacity_per_instance = 2;
  after.autoscaler.max_use_count = 10;
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kSettings);
  after = LocalFleet();
  after.limit = 4;
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kSettings);
  after = LocalFleet();
  after.autoscaler.policies[0].periods = {"* 8-18 * * mon-fri"};
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kSettings);
  after = LocalFleet();
  after.fleet_policy = "taskscaler";
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kSettings);
}

TEST(CompareEntryTest, ProviderChangesReplaceTheFleet) {
  config::RunnerConfig after = LocalFleet();
  after.autoscaler.plugin = "aws";
  ReloadVerdict v = CompareEntry(LocalFleet(), after);
  EXPECT_EQ(v.change, EntryChange::kReplace);
  EXPECT_EQ(v.reason, "plugin changed from \"local\" to \"aws\"");
  after = LocalFleet();
  after.autoscaler.plugin_config_json = R"({"boot_delay":"2s","name":"f1"})";
  v = CompareEntry(LocalFleet(), after);
  EXPECT_EQ(v.change, EntryChange::kReplace);
  EXPECT_EQ(v.reason, "[runners.autoscaler.plugin_config] changed");
  after = LocalFleet();
  after.autoscaler.connector.username = "ubuntu";
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kReplace);
  after = LocalFleet();
  after.autoscaler.instance_ready_command = "true";
  EXPECT_EQ(CompareEntry(LocalFleet(), after).change, EntryChange::kReplace);
  after = LocalFleet();
  after.executor = "instance";
  v = CompareEntry(LocalFleet(), after);
  EXPECT_EQ(v.change, EntryChange::kReplace);
  EXPECT_EQ(v.reason, "executor changed from \"docker-autoscaler\" to \"instance\"");
}

TEST(CompareEntryTest, MachineDriverAndOptionsReplaceIdleSettingsDoNot) {
  config::RunnerConfig before;
  before.executor = "docker+machine";
  before.has_machine = true;
  before.machine.machine_driver = "amazonec2";
  before.machine.machine_options = {"amazonec2-region=eu-west-1"};
  before.machine.idle_count = 1;
  config::RunnerConfig after = before;
  after.machine.idle_count = 3;
  after.machine.max_builds = 5;
  EXPECT_EQ(CompareEntry(before, after).change, EntryChange::kSettings);
  after = before;
  after.machine.machine_options.push_back("amazonec2-instance-type=m5.large");
  EXPECT_EQ(CompareEntry(before, after).change, EntryChange::kReplace);
}

TEST(CompareEntryTest, LeavingOrJoiningTheAutoscaledExecutorsReplaces) {
  config::RunnerConfig shell;
  shell.executor = "shell";
  EXPECT_EQ(CompareEntry(shell, LocalFleet()).change, EntryChange::kReplace);
  EXPECT_EQ(CompareEntry(LocalFleet(), shell).change, EntryChange::kReplace);
  config::RunnerConfig docker = shell;
  docker.executor = "docker";
  EXPECT_EQ(CompareEntry(shell, docker).change, EntryChange::kNone);  // the next job uses it
}

TEST(RetiringSettingsTest, KeepsLimitsAndDropsIdleCapacity) {
  fleet::AutoscalerSettings s;
  s.policy = fleet::PolicyKind::kDefault;
  s.max_instances = 4;
  s.capacity_per_instance = 2;
  s.base.idle_count = 2;
  s.base.scale_factor = 0.5;
  s.base.preemptive = true;
  s.periods.push_back(s.base);
  fleet::AutoscalerSettings r = RetiringSettings(s);
  EXPECT_TRUE(r.Validate().ok()) << r.Validate().ToString();
  EXPECT_EQ(r.policy, fleet::PolicyKind::kTaskscaler);
  EXPECT_EQ(r.max_instances, 4);
  EXPECT_EQ(r.capacity_per_instance, 2);
  EXPECT_EQ(r.base.idle_count, 0);
  EXPECT_EQ(r.base.scale_factor, 0);
  EXPECT_FALSE(r.base.Preemptive());
  EXPECT_EQ(r.base.idle_time, std::chrono::seconds(0));
  EXPECT_TRUE(r.periods.empty());
}

}  // namespace
}  // namespace manager
