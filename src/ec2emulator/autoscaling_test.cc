// Auto Scaling groups: creation, reconciliation to the desired capacity, SetDesiredCapacity,
// TerminateInstanceInAutoScalingGroup, DescribeAutoScalingGroups and the ErrorResponse envelope.
#include <set>

#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

Params Group(const std::string& name, int desired) {
  return {{"AutoScalingGroupName", name},
          {"MinSize", "0"},
          {"MaxSize", "4"},
          {"DesiredCapacity", std::to_string(desired)},
          {"MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification.LaunchTemplateName", "runner-lt"},
          {"MixedInstancesPolicy.LaunchTemplate.Overrides.member.1.InstanceType", "c5.large"},
          {"MixedInstancesPolicy.LaunchTemplate.Overrides.member.2.InstanceType", "m5.large"},
          {"MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity", "0"},
          {"VPCZoneIdentifier", "subnet-0a0a0a0a0a0a0a0a0,subnet-0b0b0b0b0b0b0b0b0"},
          {"Tags.member.1.Key", "team"},
          {"Tags.member.1.Value", "ci"},
          {"Tags.member.1.PropagateAtLaunch", "true"}};
}

std::vector<std::string> GroupInstances(const Answer& a) {
  std::vector<std::string> ids;
  for (auto m : a.root()
                    .first_element_by_path("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/Instances")
                    .children("member")) {
    ids.push_back(m.child_value("InstanceId"));
  }
  return ids;
}

TEST(AutoScalingTest, GroupReachesDesiredCapacityWithPropagatedTags) {
  Harness h;
  Answer c = h.Asg("CreateAutoScalingGroup", Group("runners", 2));
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(std::string(c.root().name()), "CreateAutoScalingGroupResponse");
  EXPECT_EQ(c.Text("ResponseMetadata/RequestId").size(), 36u);
  h.Advance(std::chrono::seconds(2));
  Answer d = h.Asg("DescribeAutoScalingGroups", {{"AutoScalingGroupNames.member.1", "runners"}});
  ASSERT_EQ(d.status, 200) << d.body;
  EXPECT_EQ(std::string(d.root().attribute("xmlns").value()), "http://autoscaling.amazonaws.com/doc/2011-01-01/");
  EXPECT_EQ(d.Text("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/DesiredCapacity"), "2");
  EXPECT_EQ(d.Text("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/Instances/member/LifecycleState"),
            "InService");
  const auto ids = GroupInstances(d);
  ASSERT_EQ(ids.size(), 2u);
  // One instance per subnet (zone balance), spot (0% on-demand above a base of 0), tagged.
  Answer e = h.Ec2("DescribeInstances", {{"Filter.1.Name", "tag:aws:autoscaling:groupName"},
                                         {"Filter.1.Value.1", "runners"},
                                         {"Filter.2.Name", "tag:team"},
                                         {"Filter.2.Value.1", "ci"},
                                         {"Filter.3.Name", "instance-lifecycle"},
                                         {"Filter.3.Value.1", "spot"}});
  int n = 0;
  std::set<std::string> zones;
  for (auto r : e.root().child("reservationSet").children("item")) {
    for (auto i : r.child("instancesSet").children("item")) {
      ++n;
      zones.insert(i.first_element_by_path("placement/availabilityZone").text().get());
    }
  }
  EXPECT_EQ(n, 2);
  EXPECT_EQ(zones.size(), 2u);
}

TEST(AutoScalingTest, SetDesiredCapacityScalesOutAndIn) {
  Harness h;
  h.Asg("CreateAutoScalingGroup", Group("g", 1));
  ASSERT_EQ(h.Asg("SetDesiredCapacity", {{"AutoScalingGroupName", "g"}, {"DesiredCapacity", "3"}}).status, 200);
  EXPECT_EQ(GroupInstances(h.Asg("DescribeAutoScalingGroups")).size(), 3u);
  Answer hi = h.Asg("SetDesiredCapacity", {{"AutoScalingGroupName", "g"}, {"DesiredCapacity", "5"}});
  EXPECT_EQ(hi.status, 400);
  EXPECT_EQ(std::string(hi.root().name()), "ErrorResponse");
  EXPECT_EQ(hi.Text("Error/Type"), "Sender");
  EXPECT_EQ(hi.ErrorCode(), "ValidationError");
  EXPECT_EQ(hi.Text("Error/Message"), "New SetDesiredCapacity value 5 is above max value 4 for the AutoScalingGroup.");
  EXPECT_EQ(hi.Text("RequestId").size(), 36u);
  EXPECT_EQ(
      h.Asg("SetDesiredCapacity", {{"AutoScalingGroupName", "nope"}, {"DesiredCapacity", "1"}}).Text("Error/Message"),
      "AutoScalingGroup name not found - AutoScalingGroup nope not found");
  ASSERT_EQ(h.Asg("SetDesiredCapacity", {{"AutoScalingGroupName", "g"}, {"DesiredCapacity", "1"}}).status, 200);
  h.Advance(std::chrono::seconds(1));
  int terminating = 0;
  auto described = h.Asg("DescribeAutoScalingGroups");  // keeps the document alive for the loop
  for (auto m : described.root()
                    .first_element_by_path("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/Instances")
                    .children("member")) {
    terminating += std::string(m.child_value("LifecycleState")) == "Terminating";
  }
  EXPECT_EQ(terminating, 2);
  h.Advance(std::chrono::seconds(11));
  EXPECT_EQ(GroupInstances(h.Asg("DescribeAutoScalingGroups")).size(), 1u);
}

TEST(AutoScalingTest, TerminateInstanceWithAndWithoutDecrement) {
  Harness h;
  h.Asg("CreateAutoScalingGroup", Group("g", 2));
  const auto ids = GroupInstances(h.Asg("DescribeAutoScalingGroups"));
  ASSERT_EQ(ids.size(), 2u);
  Answer keep = h.Asg("TerminateInstanceInAutoScalingGroup",
                      {{"InstanceId", ids[0]}, {"ShouldDecrementDesiredCapacity", "false"}});
  ASSERT_EQ(keep.status, 200) << keep.body;
  EXPECT_EQ(keep.Text("TerminateInstanceInAutoScalingGroupResult/Activity/StatusCode"), "InProgress");
  EXPECT_EQ(keep.Text("TerminateInstanceInAutoScalingGroupResult/Activity/Description"),
            "Terminating EC2 instance: " + ids[0]);
  // A replacement is launched at once; the old one is Terminating.
  EXPECT_EQ(GroupInstances(h.Asg("DescribeAutoScalingGroups")).size(), 3u);
  Answer shrink = h.Asg("TerminateInstanceInAutoScalingGroup",
                        {{"InstanceId", ids[1]}, {"ShouldDecrementDesiredCapacity", "true"}});
  ASSERT_EQ(shrink.status, 200) << shrink.body;
  const std::string cause = shrink.Text("TerminateInstanceInAutoScalingGroupResult/Activity/Cause");
  EXPECT_NE(cause.find("was taken out of service in response to a user request, shrinking the capacity from 2 to 1."),
            std::string::npos)
      << cause;
  EXPECT_EQ(h.Asg("DescribeAutoScalingGroups")
                .Text("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/DesiredCapacity"),
            "1");
  Answer unknown = h.Asg("TerminateInstanceInAutoScalingGroup",
                         {{"InstanceId", "i-0123"}, {"ShouldDecrementDesiredCapacity", "true"}});
  EXPECT_EQ(unknown.Text("Error/Message"), "Instance Id not found - No managed instance found for instance ID: i-0123");
  EXPECT_EQ(h.Asg("TerminateInstanceInAutoScalingGroup", {{"InstanceId", ids[0]}}).Text("Error/Message"),
            "1 validation error detected: Value null at 'shouldDecrementDesiredCapacity' failed to satisfy constraint: "
            "Member must not be null");
}

TEST(AutoScalingTest, DescribePaginationAndCreateErrors) {
  Harness h;
  for (const char* n : {"a", "b", "c"}) ASSERT_EQ(h.Asg("CreateAutoScalingGroup", Group(n, 0)).status, 200);
  EXPECT_EQ(h.Asg("CreateAutoScalingGroup", Group("a", 0)).ErrorCode(), "AlreadyExists");
  Answer p1 = h.Asg("DescribeAutoScalingGroups", {{"MaxRecords", "2"}});
  EXPECT_EQ(std::distance(p1.root()
                              .first_element_by_path("DescribeAutoScalingGroupsResult/AutoScalingGroups")
                              .children("member")
                              .begin(),
                          p1.root()
                              .first_element_by_path("DescribeAutoScalingGroupsResult/AutoScalingGroups")
                              .children("member")
                              .end()),
            2);
  const std::string token = p1.Text("DescribeAutoScalingGroupsResult/NextToken");
  ASSERT_FALSE(token.empty());
  Answer p2 = h.Asg("DescribeAutoScalingGroups", {{"MaxRecords", "2"}, {"NextToken", token}});
  EXPECT_EQ(p2.Text("DescribeAutoScalingGroupsResult/AutoScalingGroups/member/AutoScalingGroupName"), "c");
  EXPECT_TRUE(p2.root().first_element_by_path("DescribeAutoScalingGroupsResult/NextToken").empty());
  Params bad = Group("d", 9);
  EXPECT_EQ(h.Asg("CreateAutoScalingGroup", bad).Text("Error/Message"),
            "Desired capacity:9 must be between the specified min size:0 and max size:4");
  EXPECT_EQ(h.Asg("DeleteAutoScalingGroup").ErrorCode(), "InvalidAction");
  ASSERT_OK(h.emulator.AddFault({{"kind", "throttle"}, {"action", "DescribeAutoScalingGroups"}}));
  EXPECT_EQ(h.Asg("DescribeAutoScalingGroups").ErrorCode(), "Throttling");
}

}  // namespace
}  // namespace ec2emulator::testing
