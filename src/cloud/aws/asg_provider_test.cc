#include "cloud/aws/asg_provider.h"

#include <gtest/gtest.h>

#include "cloud/aws/testdata/fake_query_server.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

using testing::FakeQueryServer;
using testing::QueryReply;
using testing::QueryRequest;

// Scripted group: MinSize 1, MaxSize 4, members as listed.
struct FakeGroup {
  int desired = 2;
  std::string desired_text;  // sent instead of `desired` when set (a malformed answer)
  std::vector<std::pair<std::string, std::string>> members = {{"i-0aaa", "InService"}, {"i-0bbb", "Pending"}};

  QueryReply Handle(const QueryRequest& r) {
    if (r.action == "DescribeAutoScalingGroups") {
      EXPECT_EQ(r.Param("AutoScalingGroupNames.member.1"), "ci-group");
      EXPECT_EQ(r.Param("Version"), "2011-01-01");
      std::string items;
      for (const auto& [id, state] : members)
        items += "<member><InstanceId>" + id + "</InstanceId><LifecycleState>" + state +
                 "</LifecycleState><HealthStatus>Healthy</HealthStatus></member>";
      return {200, "<DescribeAutoScalingGroupsResponse><DescribeAutoScalingGroupsResult><AutoScalingGroups><member>"
                   "<AutoScalingGroupName>ci-group</AutoScalingGroupName><MinSize>1</MinSize><MaxSize>4</MaxSize>"
                   "<DesiredCapacity>" + (desired_text.empty() ? std::to_string(desired) : desired_text) + "</DesiredCapacity><Instances>" + items +
                   "</Instances></member></AutoScalingGroups></DescribeAutoScalingGroupsResult>"
                   "</DescribeAutoScalingGroupsResponse>"};
    }
    if (r.action == "DescribeInstances") {
      return {200, "<DescribeInstancesResponse><reservationSet><item><instancesSet><item><instanceId>i-0aaa"
                   "</instanceId><instanceState><name>running</name></instanceState><privateIpAddress>10.1.1.1"
                   "</privateIpAddress><ipAddress>54.1.1.1</ipAddress></item></instancesSet></item></reservationSet>"
                   "</DescribeInstancesResponse>"};
    }
    if (r.action == "SetDesiredCapacity") {
      desired = std::stoi(r.Param("DesiredCapacity"));
      return {200, "<SetDesiredCapacityResponse><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata>"
                   "</SetDesiredCapacityResponse>"};
    }
    if (r.action == "TerminateInstanceInAutoScalingGroup") {
      return {200, testutil::ReadFile(testutil::FixturePath("aws/autoscaling/TerminateInstanceInAutoScalingGroup-docs-example.xml"))};
    }
    return {400, testutil::ReadFile(testutil::FixturePath("aws/autoscaling/error-ValidationError-botocore.xml"))};
  }
};

struct Harness {
  Harness()
      : server([this](const QueryRequest& r) { return group.Handle(r); }),
        chain(Keys(), http, clock),
        asg_query(QueryEndpoint{"Auto Scaling", server.url(), "autoscaling", "us-east-1", "2011-01-01"}, chain, http,
                  clock, {}, 1, [](util::Duration) {}),
        ec2_query(QueryEndpoint{"EC2", server.url(), "ec2", "us-east-1", "2016-11-15"}, chain, http, clock, {}, 1,
                  [](util::Duration) {}),
        asg(asg_query),
        ec2(ec2_query),
        provider(Settings(), "KEY", asg, ec2, clock) {}
  static CredentialChainOptions Keys() {
    CredentialChainOptions o;
    o.access_key = "AKID";
    o.secret_key = "secret";
    return o;
  }
  static AwsSettings Settings() {
    AwsSettings s;
    s.asg_name = "ci-group";
    s.ssh_user = "ec2-user";
    return s;
  }
  FakeGroup group;
  FakeQueryServer server;
  util::HttpClient http;
  util::ManualClock clock{util::Time(std::chrono::seconds(1700000000))};
  CredentialChain chain;
  QueryClient asg_query, ec2_query;
  AutoScalingClient asg;
  Ec2Client ec2;
  AsgProvider provider;
};

// Sizes the provider adds to must be counts: INT_MAX would overflow in Increase.
TEST(AsgProviderTest, GroupSizesThatAreNotCountsAreAnError) {
  for (std::string bad : {"2147483647", "-1", "two", " ", "0x10"}) {
    Harness h;
    h.group.desired_text = bad;
    auto list = h.provider.List();
    ASSERT_FALSE(list.ok()) << bad;
    EXPECT_NE(list.status().message().find("DesiredCapacity \""), std::string::npos)
        << list.status().ToString();
    EXPECT_NE(list.status().message().find("is not a size"), std::string::npos);
    EXPECT_FALSE(h.provider.Increase(1).ok()) << bad;
  }
}

TEST(AsgProviderTest, ListIncreaseDecrease) {
  Harness h;
  auto list = h.provider.List();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].state, InstanceState::kRunning);
  EXPECT_EQ((*list)[1].state, InstanceState::kCreating);
  auto c = h.provider.Connect("i-0aaa");
  ASSERT_OK(c);
  EXPECT_EQ(c->external_addr, "54.1.1.1");
  EXPECT_EQ(c->username, "ec2-user");

  auto granted = h.provider.Increase(5);  // MaxSize 4: only 2 fit
  ASSERT_OK(granted);
  EXPECT_EQ(*granted, 2);
  EXPECT_EQ(h.group.desired, 4);
  EXPECT_EQ(h.provider.Increase(1).status().code(), util::Status::Code::kResourceExhausted);

  auto removed = h.provider.Decrease({"i-0aaa", "i-elsewhere"});
  ASSERT_OK(removed);
  EXPECT_EQ(removed->size(), 2u);
  EXPECT_EQ(h.server.count("TerminateInstanceInAutoScalingGroup"), 1);
  auto term = h.server.requests().back();
  EXPECT_EQ(term.Param("InstanceId"), "i-0aaa");
  EXPECT_EQ(term.Param("ShouldDecrementDesiredCapacity"), "true");

  h.group.members.erase(h.group.members.begin());
  h.clock.Advance(std::chrono::seconds(30));
  ASSERT_OK(h.provider.List());
  auto events = h.provider.TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "i-0aaa");
}

TEST(AsgProviderTest, SpotNoticeFromTheInstanceProbeIsReportedOnce) {
  Harness h;
  ASSERT_OK(h.provider.List());
  EXPECT_NE(h.provider.InstanceProbeCommand().find("spot/instance-action"), std::string::npos);
  const std::string action =
      "action:" + testutil::ReadFile(testutil::FixturePath("aws/imds/spot-instance-action-terminate.json")) +
      "\nrebalance:\n";
  EXPECT_FALSE(h.provider.OnInstanceProbe("i-0aaa", "action:\nrebalance:\n", h.clock.Now()));
  EXPECT_TRUE(h.provider.OnInstanceProbe("i-0aaa", action, h.clock.Now()));
  EXPECT_FALSE(h.provider.OnInstanceProbe("i-0aaa", action, h.clock.Now()));  // already reported
  auto events = h.provider.TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "i-0aaa");
  EXPECT_EQ(events[0].kind, ProviderEvent::Kind::kInterruptionNotice);
}

TEST(AsgProviderTest, AsgErrorsAreTyped) {
  Harness h;
  auto bad = h.asg.query().Call("NoSuchCall", {});
  EXPECT_EQ(bad.status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("Auto Scaling NoSuchCall: ValidationError:"), std::string::npos)
      << bad.status().message();
  EXPECT_EQ(h.asg.query().last_error().request_id, "9e27be2f-b7e3-11e2-a0e4-f9780ed1763e");
}

}  // namespace
}  // namespace cloud::aws
