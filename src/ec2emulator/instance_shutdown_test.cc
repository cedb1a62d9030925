// A power-off from inside an instance (the dead-man switch) and stopped instances:
// InstanceInitiatedShutdownBehavior decides between terminated and stopped; a stopped
// instance is still listed and TerminateInstances still ends it. ManualClock, in memory.
#include "cloud/aws/dead_man_user_data.h"
#include "ec2emulator/test_support.h"
#include "ec2emulator/user_data.h"

namespace ec2emulator::testing {
namespace {

using namespace std::chrono_literals;

std::string Launch(Harness& h, const std::string& behaviour) {
  Params p = {{"ImageId", "ami-0123456789abcdef0"}, {"MinCount", "1"}, {"MaxCount", "1"}};
  if (!behaviour.empty()) p.push_back({"InstanceInitiatedShutdownBehavior", behaviour});
  Answer a = h.Ec2("RunInstances", p);
  EXPECT_EQ(a.status, 200) << a.body;
  return a.Text("instancesSet/item/instanceId");
}

std::string State(Harness& h, const std::string& id) {
  return h.Ec2("DescribeInstances", {{"InstanceId.1", id}}).Text("reservationSet/item/instancesSet/item/instanceState/name");
}

std::string Reason(Harness& h, const std::string& id) {
  return h.Ec2("DescribeInstances", {{"InstanceId.1", id}}).Text("reservationSet/item/instancesSet/item/stateReason/code");
}

TEST(InstanceShutdownTest, PowerOffTerminatesWithBehaviourTerminate) {
  Harness h;
  const std::string id = Launch(h, "terminate");
  h.Advance(2s);
  ASSERT_EQ(State(h, id), "running");
  h.emulator.OnInstanceShutdown(id);  // the memory backend's handle is the instance id
  EXPECT_EQ(State(h, id), "shutting-down");
  EXPECT_EQ(Reason(h, id), "Client.InstanceInitiatedShutdown");
  h.Advance(11s);
  EXPECT_EQ(State(h, id), "terminated");
  EXPECT_EQ(h.backend.terminated(), 0);  // powered off: nothing was left to remove
}

TEST(InstanceShutdownTest, PowerOffStopsByDefaultAndTerminateStillEndsIt) {
  Harness h;
  const std::string id = Launch(h, "");
  h.Advance(2s);
  h.emulator.OnInstanceShutdown(id);
  EXPECT_EQ(State(h, id), "stopping");
  h.Advance(11s);
  EXPECT_EQ(State(h, id), "stopped");
  Answer f = h.Ec2("DescribeInstances", {{"Filter.1.Name", "instance-state-name"}, {"Filter.1.Value.1", "stopped"}});
  EXPECT_EQ(f.Text("reservationSet/item/instancesSet/item/instanceId"), id);
  Answer t = h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.Text("instancesSet/item/previousState/name"), "stopped");
  EXPECT_EQ(t.Text("instancesSet/item/currentState/name"), "shutting-down");
  h.Advance(11s);
  EXPECT_EQ(State(h, id), "terminated");
}

TEST(InstanceShutdownTest, AdminStopRemovesTheBackingInstance) {
  Harness h;
  const std::string id = Launch(h, "terminate");
  h.Advance(2s);
  ASSERT_TRUE(h.emulator.Stop(id).ok());
  EXPECT_EQ(State(h, id), "stopping");
  h.Advance(11s);
  EXPECT_EQ(State(h, id), "stopped");
  EXPECT_EQ(h.backend.terminated(), 1);
  EXPECT_EQ(h.emulator.Stop(id).code(), util::Status::Code::kFailedPrecondition);
  EXPECT_EQ(h.emulator.Stop("i-0000000000000dead").code(), util::Status::Code::kNotFound);
}

TEST(InstanceShutdownTest, BadBehaviourIsRefusedWithTheParameterNamed) {
  Harness h;
  Answer a = h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"},
                                    {"MinCount", "1"},
                                    {"MaxCount", "1"},
                                    {"InstanceInitiatedShutdownBehavior", "hibernate"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.ErrorCode(), "InvalidParameterValue");
  EXPECT_NE(a.body.find("instanceInitiatedShutdownBehavior"), std::string::npos) << a.body;
}

// The emulator finds the timeout in the user data the AWS provider builds, alone or
// merged with a user's script.
TEST(InstanceShutdownTest, DeadManTimeoutIsReadFromTheProvidersUserData) {
  auto alone = cloud::aws::WithDeadManSwitch("", "ubuntu", std::chrono::seconds(1800));
  ASSERT_TRUE(alone.ok()) << alone.status().ToString();
  EXPECT_EQ(DeadManTimeoutOf(*alone), std::chrono::seconds(1800));
  auto merged = cloud::aws::WithDeadManSwitch("#!/bin/sh\necho hello\n", "root", std::chrono::seconds(6));
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(DeadManTimeoutOf(*merged), std::chrono::seconds(6));
  EXPECT_NE(merged->find("Content-Type: text/x-shellscript"), std::string::npos) << *merged;
  EXPECT_EQ(DeadManTimeoutOf("#cloud-config\nusers: []\n"), std::chrono::seconds(0));
}

}  // namespace
}  // namespace ec2emulator::testing
