// RunInstances / DescribeInstances / TerminateInstances / CreateTags: state machine,
// filters, pagination and errors, on a ManualClock with in-memory instances.
#include <set>

#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

Params SpotRun(const std::string& name, int count = 1) {
  return {{"ImageId", "ami-0123456789abcdef0"},
          {"InstanceType", "c5.large"},
          {"MinCount", "1"},
          {"MaxCount", std::to_string(count)},
          {"InstanceMarketOptions.MarketType", "spot"},
          {"TagSpecification.1.ResourceType", "instance"},
          {"TagSpecification.1.Tag.1.Key", "Name"},
          {"TagSpecification.1.Tag.1.Value", name}};
}

std::vector<std::string> Ids(const Answer& a) {
  std::vector<std::string> ids;
  for (auto r : a.root().child("reservationSet").children("item")) {
    for (auto i : r.child("instancesSet").children("item")) ids.push_back(i.child_value("instanceId"));
  }
  return ids;
}

TEST(InstancesTest, SpotInstanceGoesPendingThenRunning) {
  Harness h;
  Answer run = h.Ec2("RunInstances", SpotRun("runner-42"));
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(std::string(run.root().name()), "RunInstancesResponse");
  EXPECT_EQ(std::string(run.root().attribute("xmlns").value()), "http://ec2.amazonaws.com/doc/2016-11-15/");
  EXPECT_EQ(std::string(run.root().first_child().name()), "requestId");
  const std::string id = run.Text("instancesSet/item/instanceId");
  EXPECT_EQ(id.rfind("i-0", 0), 0u);
  EXPECT_EQ(id.size(), 19u);
  EXPECT_EQ(run.Text("instancesSet/item/instanceState/code"), "0");
  EXPECT_EQ(run.Text("instancesSet/item/instanceState/name"), "pending");
  EXPECT_EQ(run.Text("instancesSet/item/instanceLifecycle"), "spot");
  EXPECT_EQ(run.Text("instancesSet/item/tagSet/item/key"), "Name");
  EXPECT_EQ(run.Text("instancesSet/item/tagSet/item/value"), "runner-42");
  EXPECT_EQ(run.Text("instancesSet/item/placement/availabilityZone"), "us-east-1a");

  h.Advance(std::chrono::milliseconds(500));
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", id}})
                .Text("reservationSet/item/instancesSet/item/instanceState/name"),
            "pending");
  h.Advance(std::chrono::milliseconds(600));
  Answer d = h.Ec2("DescribeInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceState/code"), "16");
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceState/name"), "running");
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/privateIpAddress"), "10.0.1.10");
  EXPECT_EQ(h.backend.launched(), 1);
}

TEST(InstancesTest, TerminateGoesShuttingDownThenTerminatedThenGone) {
  Harness h;
  const std::string id = h.Ec2("RunInstances", SpotRun("a")).Text("instancesSet/item/instanceId");
  h.Advance(std::chrono::seconds(2));
  Answer t = h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.Text("instancesSet/item/currentState/code"), "32");
  EXPECT_EQ(t.Text("instancesSet/item/currentState/name"), "shutting-down");
  EXPECT_EQ(t.Text("instancesSet/item/previousState/code"), "16");
  h.Advance(std::chrono::seconds(5));
  EXPECT_EQ(h.backend.terminated(), 1);
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", id}})
                .Text("reservationSet/item/instancesSet/item/instanceState/name"),
            "shutting-down");
  h.Advance(std::chrono::seconds(6));
  Answer d = h.Ec2("DescribeInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceState/code"), "48");
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/stateReason/code"), "Client.UserInitiatedShutdown");
  // Terminating again is fine and reports terminated → terminated.
  Answer again = h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(again.Text("instancesSet/item/previousState/name"), "terminated");
  h.Advance(std::chrono::hours(1));
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", id}}).ErrorCode(), "InvalidInstanceID.NotFound");
}

TEST(InstancesTest, AdminViewBillsFromLaunchUntilShutdownAtTheLaunchPrice) {
  Harness h;
  const std::string spot = h.Ec2("RunInstances", SpotRun("s")).Text("instancesSet/item/instanceId");
  Answer od = h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"}, {"InstanceType", "m5.large"},
                                     {"MinCount", "1"}, {"MaxCount", "1"}});
  ASSERT_EQ(od.status, 200) << od.body;
  h.Advance(std::chrono::seconds(2));
  ASSERT_EQ(h.Ec2("TerminateInstances", {{"InstanceId.1", spot}}).status, 200);
  h.Advance(std::chrono::seconds(10));
  auto all = h.emulator.InstancesJson();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0]["id"], spot);
  EXPECT_EQ(all[0]["launch_time"], "2025-11-28T08:00:00Z");
  EXPECT_EQ(all[0]["end_time"], "2025-11-28T08:00:02Z");
  EXPECT_DOUBLE_EQ(all[0]["billed_seconds"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(all[0]["hourly_price"].get<double>(), 0.034);  // c5.large spot in us-east-1a
  EXPECT_DOUBLE_EQ(all[0]["on_demand_price"].get<double>(), 0.085);
  EXPECT_EQ(all[1]["spot"], false);
  EXPECT_EQ(all[1]["end_time"], "");
  EXPECT_DOUBLE_EQ(all[1]["billed_seconds"].get<double>(), 12.0);  // still running: until now
  EXPECT_DOUBLE_EQ(all[1]["hourly_price"].get<double>(), 0.096);
}

TEST(InstancesTest, TagFilterWildcardsAndPagination) {
  Harness h;
  h.Ec2("RunInstances", SpotRun("runner-a", 7));
  h.Ec2("RunInstances", SpotRun("other", 5));
  h.Advance(std::chrono::seconds(2));
  Params q = {{"Filter.1.Name", "tag:Name"}, {"Filter.1.Value.1", "runner-*"}, {"MaxResults", "5"}};
  Answer p1 = h.Ec2("DescribeInstances", q);
  ASSERT_EQ(p1.status, 200) << p1.body;
  EXPECT_EQ(Ids(p1).size(), 5u);
  const std::string token = p1.Text("nextToken");
  ASSERT_FALSE(token.empty());
  q.emplace_back("NextToken", token);
  Answer p2 = h.Ec2("DescribeInstances", q);
  EXPECT_EQ(Ids(p2).size(), 2u);
  EXPECT_TRUE(p2.root().child("nextToken").empty());
  std::set<std::string> all;
  for (const auto& id : Ids(p1)) all.insert(id);
  for (const auto& id : Ids(p2)) all.insert(id);
  EXPECT_EQ(all.size(), 7u);

  EXPECT_EQ(Ids(h.Ec2("DescribeInstances", {{"Filter.1.Name", "tag:Name"}, {"Filter.1.Value.1", "othe?"}})).size(), 5u);
  EXPECT_EQ(Ids(h.Ec2("DescribeInstances", {{"Filter.1.Name", "tag-key"}, {"Filter.1.Value.1", "Name"}})).size(), 12u);
  // Values of one filter are OR-ed, filters are AND-ed.
  EXPECT_EQ(Ids(h.Ec2("DescribeInstances", {{"Filter.1.Name", "instance-state-name"},
                                            {"Filter.1.Value.1", "pending"},
                                            {"Filter.1.Value.2", "running"},
                                            {"Filter.2.Name", "tag:Name"},
                                            {"Filter.2.Value.1", "other"}}))
                .size(),
            5u);
  EXPECT_TRUE(
      Ids(h.Ec2("DescribeInstances", {{"Filter.1.Name", "instance-state-code"}, {"Filter.1.Value.1", "48"}})).empty());
}

TEST(InstancesTest, DescribeErrors) {
  Harness h;
  Answer e = h.Ec2("DescribeInstances", {{"InstanceId.1", "i-0123456789abcdef0"}});
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(std::string(e.root().name()), "Response");
  EXPECT_EQ(e.ErrorCode(), "InvalidInstanceID.NotFound");
  EXPECT_EQ(e.Text("Errors/Error/Message"), "The instance ID 'i-0123456789abcdef0' does not exist");
  EXPECT_EQ(e.Text("RequestID").size(), 36u);
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", "i-1"}, {"InstanceId.2", "i-2"}}).Text("Errors/Error/Message"),
            "The instance IDs 'i-1, i-2' do not exist");
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", "bogus"}}).ErrorCode(), "InvalidInstanceID.Malformed");
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", "i-1"}, {"MaxResults", "5"}}).ErrorCode(),
            "InvalidParameterCombination");
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"MaxResults", "4"}}).ErrorCode(), "InvalidParameterValue");
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"NextToken", "garbage"}}).ErrorCode(), "InvalidParameterValue");
  Answer f = h.Ec2("DescribeInstances", {{"Filter.1.Name", "colour"}, {"Filter.1.Value.1", "red"}});
  EXPECT_EQ(f.Text("Errors/Error/Message"), "The filter 'colour' is invalid");
  EXPECT_EQ(h.Ec2("RebootInstances").ErrorCode(), "InvalidAction");
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"DryRun", "true"}}).status, 412);
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"DryRun", "true"}}).ErrorCode(), "DryRunOperation");
}

TEST(InstancesTest, RunInstancesValidation) {
  Harness h;
  Answer a = h.Ec2("RunInstances", {{"ImageId", "ami-0123"}, {"MaxCount", "1"}});
  EXPECT_EQ(a.ErrorCode(), "MissingParameter");
  EXPECT_EQ(a.Text("Errors/Error/Message"), "The request must contain the parameter MinCount");
  EXPECT_EQ(h.Ec2("RunInstances",
                  {{"ImageId", "ami-0123"}, {"MinCount", "1"}, {"MaxCount", "1"}, {"InstanceType", "x9.huge"}})
                .Text("Errors/Error/Message"),
            "Invalid value 'x9.huge' for InstanceType.");
  EXPECT_EQ(
      h.Ec2("RunInstances", {{"ImageId", "ami-0123"}, {"MinCount", "1"}, {"MaxCount", "1"}, {"SubnetId", "subnet-9"}})
          .ErrorCode(),
      "InvalidSubnetID.NotFound");
  EXPECT_EQ(h.Ec2("RunInstances", {{"ImageId", "img"}, {"MinCount", "1"}, {"MaxCount", "1"}}).ErrorCode(),
            "InvalidAMIID.Malformed");
  Params reserved = SpotRun("x");
  reserved.emplace_back("TagSpecification.1.Tag.2.Key", "aws:secret");
  EXPECT_EQ(h.Ec2("RunInstances", reserved).ErrorCode(), "InvalidParameterValue");
}

TEST(InstancesTest, ClientTokenMakesRunInstancesIdempotent) {
  Harness h;
  Params p = SpotRun("a");
  p.emplace_back("ClientToken", "tok-1");
  Answer first = h.Ec2("RunInstances", p);
  Answer retry = h.Ec2("RunInstances", p);
  EXPECT_EQ(first.Text("reservationId"), retry.Text("reservationId"));
  EXPECT_EQ(first.Text("instancesSet/item/instanceId"), retry.Text("instancesSet/item/instanceId"));
  EXPECT_EQ(Ids(h.Ec2("DescribeInstances")).size(), 1u);
  p[1].second = "m5.large";
  EXPECT_EQ(h.Ec2("RunInstances", p).ErrorCode(), "IdempotentParameterMismatch");
}

TEST(InstancesTest, CreateTagsOverwritesAndFilters) {
  Harness h;
  const std::string id = h.Ec2("RunInstances", SpotRun("a")).Text("instancesSet/item/instanceId");
  Answer t = h.Ec2(
      "CreateTags",
      {{"ResourceId.1", id}, {"Tag.1.Key", "Name"}, {"Tag.1.Value", "b"}, {"Tag.2.Key", "owner"}, {"Tag.2.Value", ""}});
  ASSERT_EQ(t.status, 200) << t.body;
  EXPECT_EQ(t.Text("return"), "true");
  EXPECT_EQ(Ids(h.Ec2("DescribeInstances", {{"Filter.1.Name", "tag:Name"}, {"Filter.1.Value.1", "b"}})).size(), 1u);
  EXPECT_EQ(Ids(h.Ec2("DescribeInstances", {{"Filter.1.Name", "tag:owner"}, {"Filter.1.Value.1", ""}})).size(), 1u);
  EXPECT_EQ(h.Ec2("CreateTags", {{"ResourceId.1", id}}).ErrorCode(), "MissingParameter");
  EXPECT_EQ(h.Ec2("CreateTags", {{"ResourceId.1", "i-0aaaaaaaaaaaaaaaa"}, {"Tag.1.Key", "k"}}).ErrorCode(),
            "InvalidInstanceID.NotFound");
}

TEST(InstancesTest, CapacityThrottleAndSlowBootFaults) {
  Harness h;
  ASSERT_OK(
      h.emulator.AddFault({{"kind", "capacity"}, {"instance_type", "c5.large"}, {"market", "spot"}, {"count", 1}}));
  Answer c = h.Ec2("RunInstances", SpotRun("a"));
  EXPECT_EQ(c.status, 500);
  EXPECT_EQ(c.ErrorCode(), "InsufficientInstanceCapacity");
  EXPECT_EQ(c.Text("Errors/Error/Message")
                .rfind("We currently do not have sufficient c5.large capacity in the "
                       "Availability Zone you requested (us-east-1a).",
                       0),
            0u);
  EXPECT_EQ(h.Ec2("RunInstances", SpotRun("a")).status, 200);  // the fault was for one launch

  ASSERT_OK(h.emulator.AddFault({{"kind", "throttle"}, {"count", 2}}));
  EXPECT_EQ(h.Ec2("DescribeInstances").status, 503);
  EXPECT_EQ(h.Ec2("DescribeInstances").ErrorCode(), "RequestLimitExceeded");
  EXPECT_EQ(h.Ec2("DescribeInstances").status, 200);

  ASSERT_OK(h.emulator.AddFault({{"kind", "slow_boot"}, {"instance_type", "m5.large"}, {"seconds", 30}}));
  Params slow = SpotRun("slow");
  slow[1].second = "m5.large";
  const std::string id = h.Ec2("RunInstances", slow).Text("instancesSet/item/instanceId");
  h.Advance(std::chrono::seconds(20));
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", id}})
                .Text("reservationSet/item/instancesSet/item/instanceState/name"),
            "pending");
  h.Advance(std::chrono::seconds(11));
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", id}})
                .Text("reservationSet/item/instancesSet/item/instanceState/name"),
            "running");
  EXPECT_FALSE(h.emulator.AddFault({{"kind", "capacity"}, {"market", "cheap"}}).ok());
  EXPECT_EQ(h.emulator.AddFault({{"kind", "flood"}}).message(),
            "fault 'kind' must be capacity, throttle or slow_boot, not 'flood'");
}

TEST(InstancesTest, BackendFailureEndsTheInstance) {
  Harness h;
  const std::string id = h.Ec2("RunInstances", SpotRun("a")).Text("instancesSet/item/instanceId");
  auto work = h.emulator.Tick();
  ASSERT_EQ(work.size(), 1u);
  EXPECT_EQ(work[0].kind, BackendWork::Kind::kLaunch);
  EXPECT_EQ(work[0].launch.instance_type, "c5.large");
  EXPECT_TRUE(work[0].launch.spot);
  EXPECT_TRUE(h.emulator.Tick().empty());  // handed out once
  h.emulator.OnLaunched(id, util::Status::Unavailable("no namespace"));
  Answer d = h.Ec2("DescribeInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceState/name"), "shutting-down");
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/stateReason/code"), "Server.InternalError");
  h.Advance(std::chrono::seconds(11));
  EXPECT_EQ(h.Ec2("DescribeInstances", {{"InstanceId.1", id}})
                .Text("reservationSet/item/instancesSet/item/instanceState/name"),
            "terminated");
  EXPECT_EQ(h.backend.terminated(), 0);
}

TEST(InstancesTest, ShutdownRemovesEveryBackingInstance) {
  Harness h;
  h.Ec2("RunInstances", SpotRun("a", 3));
  h.Advance(std::chrono::seconds(2));
  EXPECT_EQ(h.backend.launched(), 3);
  EXPECT_EQ(h.runtime.Shutdown(), 3u);
  EXPECT_EQ(h.backend.terminated(), 3);
  EXPECT_TRUE(h.emulator.LiveBackends().empty());
}

}  // namespace
}  // namespace ec2emulator::testing
