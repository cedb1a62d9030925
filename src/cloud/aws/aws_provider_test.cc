#include "cloud/aws/aws_provider.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cloud/aws/tags.h"
#include "cloud/aws/testdata/fake_query_server.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

using testing::Ec2Error;
using testing::FakeQueryServer;
using testing::QueryReply;
using testing::QueryRequest;

struct FakeInstance {
  std::string state = "pending";
  std::string type, subnet, reason;
  std::map<std::string, std::string> tags;
};

std::string InstanceXml(const std::string& id, const FakeInstance& i) {
  std::string tags;
  for (const auto& [k, v] : i.tags) tags += "<item><key>" + k + "</key><value>" + v + "</value></item>";
  return "<item><instanceId>" + id + "</instanceId><instanceState><code>0</code><name>" + i.state +
         "</name></instanceState><instanceType>" + i.type + "</instanceType><subnetId>" + i.subnet +
         "</subnetId><privateIpAddress>10.0.0.7</privateIpAddress><launchTime>2023-11-14T22:13:20.000Z</launchTime>"
         "<stateReason><code>" + i.reason + "</code></stateReason><tagSet>" + tags + "</tagSet></item>";
}

// A tiny scripted EC2: launches into a map, answers Describe with *every* instance (the
// provider must filter by its tag itself too), and fails pools listed in `pool_errors`.
class FakeEc2 {
 public:
  std::map<std::string, std::string> pool_errors;  // "spot:c5.large/subnet-a" → error code
  std::map<std::string, FakeInstance> instances;
  std::set<std::string> tokens;
  int next_id = 0;

  QueryReply Handle(const QueryRequest& r) {
    if (r.action == "RunInstances") {
      std::string market = r.Param("InstanceMarketOptions.MarketType") == "spot" ? "spot" : "on-demand";
      std::string key = market + ":" + r.Param("InstanceType") + "/" + r.Param("SubnetId");
      EXPECT_TRUE(tokens.insert(r.Param("ClientToken")).second) << "client token reused";
      if (auto it = pool_errors.find(key); it != pool_errors.end()) return {400, Ec2Error(it->second, "no luck")};
      int n = std::stoi(r.Param("MaxCount"));
      if (auto it = pool_errors.find(key + "#max"); it != pool_errors.end()) n = std::min(n, std::stoi(it->second));
      FakeInstance inst{"pending", r.Param("InstanceType"), r.Param("SubnetId"), "", {}};
      for (int t = 1; !r.Param("TagSpecification.1.Tag." + std::to_string(t) + ".Key").empty(); ++t)
        inst.tags[r.Param("TagSpecification.1.Tag." + std::to_string(t) + ".Key")] =
            r.Param("TagSpecification.1.Tag." + std::to_string(t) + ".Value");
      std::string items;
      for (int k = 0; k < n; ++k) {
        std::string id = "i-" + std::to_string(100000 + next_id++);
        instances[id] = inst;
        items += InstanceXml(id, inst);
      }
      return {200, "<RunInstancesResponse><requestId>r</requestId><instancesSet>" + items +
                       "</instancesSet></RunInstancesResponse>"};
    }
    if (r.action == "DescribeInstances") {
      std::string items;
      for (const auto& [id, i] : instances) items += InstanceXml(id, i);
      return {200, "<DescribeInstancesResponse><requestId>r</requestId><reservationSet><item><instancesSet>" + items +
                       "</instancesSet></item></reservationSet></DescribeInstancesResponse>"};
    }
    if (r.action == "TerminateInstances") {
      for (const auto& [k, v] : r.params)
        if (k.rfind("InstanceId.", 0) == 0) instances[v].state = "shutting-down";
      return {200, "<TerminateInstancesResponse><requestId>r</requestId></TerminateInstancesResponse>"};
    }
    return {400, Ec2Error("InvalidAction", r.action)};
  }
};

struct Harness {
  explicit Harness(AwsSettings s)
      : server([this](const QueryRequest& r) { return ec2.Handle(r); }),
        chain(Keys(), http, clock),
        query(QueryEndpoint{"EC2", server.url(), "ec2", "us-east-1", "2016-11-15"}, chain, http, clock, {}, 3,
              [](util::Duration) {}),
        client(query),
        provider(Options(std::move(s)), client, clock) {}
  static CredentialChainOptions Keys() {
    CredentialChainOptions o;
    o.access_key = "AKID";
    o.secret_key = "secret";
    return o;
  }
  static AwsProviderOptions Options(AwsSettings s) {
    AwsProviderOptions o;
    o.settings = std::move(s);
    o.ssh_private_key_pem = "PRIVATE";
    o.ssh_public_key = "ssh-ed25519 AAAA test";
    return o;
  }
  FakeEc2 ec2;
  FakeQueryServer server;
  util::HttpClient http;
  util::ManualClock clock{*ParseIso8601("2023-11-14T22:13:20Z")};
  CredentialChain chain;
  QueryClient query;
  Ec2Client client;
  AwsProvider provider;
};

// Standard base64 back to bytes (the user data as EC2 would hand it to the instance).
std::string DecodeBase64ForTest(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, value = 0;
  for (char c : in) {
    size_t v = kAlphabet.find(c);
    if (v == std::string::npos) continue;  // padding
    value = (value << 6) | static_cast<int>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((value >> bits) & 0xff);
    }
  }
  return out;
}

AwsSettings SpotSettings() {
  AwsSettings s;
  s.fleet_name = "fleet-a";
  s.ami = "ami-1";
  s.spot = true;
  s.instance_types = {"c5.large", "m5.large"};
  s.subnet_ids = {"subnet-a", "subnet-b"};
  s.tags = {{"team", "ci"}};
  return s;
}

TEST(AwsProviderTest, SpotPoolsInOrderThenOnDemandForTheShortfall) {
  Harness h(SpotSettings());
  h.ec2.pool_errors = {{"spot:c5.large/subnet-a", "InsufficientInstanceCapacity"},
                       {"spot:c5.large/subnet-b", "SpotMaxPriceTooLow"},
                       {"spot:m5.large/subnet-a#max", "2"},
                       {"spot:m5.large/subnet-b", "MaxSpotInstanceCountExceeded"}};
  auto granted = h.provider.Increase(5);
  ASSERT_OK(granted);
  EXPECT_EQ(*granted, 5);
  // 4 spot pools tried, then one on-demand call for the 3 missing.
  EXPECT_EQ(h.server.count("RunInstances"), 5);
  int spot = 0, od = 0;
  for (const auto& [id, i] : h.ec2.instances) {
    EXPECT_EQ(i.tags.at(kFleetTag), "fleet-a");
    EXPECT_EQ(i.tags.at("team"), "ci");
    (i.tags.at(kMarketTag) == "spot" ? spot : od)++;
  }
  EXPECT_EQ(spot, 2);
  EXPECT_EQ(od, 3);
  auto reqs = h.server.requests();
  EXPECT_EQ(reqs.back().Param("MaxCount"), "3");
  EXPECT_EQ(reqs.back().Param("InstanceMarketOptions.MarketType"), "");
  EXPECT_FALSE(reqs[0].Param("UserData").empty());
  // The failed pools cool down: the next scale-out starts with a pool that worked.
  h.ec2.pool_errors.clear();
  ASSERT_OK(h.provider.Increase(1));
  EXPECT_EQ(h.server.requests().back().Param("InstanceType"), "m5.large");
  EXPECT_EQ(h.server.requests().back().Param("SubnetId"), "subnet-a");
}

TEST(AwsProviderTest, CallsPerScaleOutDoNotGrowWithTheRequest) {
  Harness h(SpotSettings());
  auto granted = h.provider.Increase(500);
  ASSERT_OK(granted);
  EXPECT_EQ(*granted, 500);
  EXPECT_EQ(h.server.count("RunInstances"), 1);
}

TEST(AwsProviderTest, NoFallbackAndAuthErrorsStopEarly) {
  AwsSettings s = SpotSettings();
  s.on_demand_fallback = false;
  Harness h(s);
  for (const char* p : {"spot:c5.large/subnet-a", "spot:c5.large/subnet-b", "spot:m5.large/subnet-a",
                        "spot:m5.large/subnet-b"})
    h.ec2.pool_errors[p] = "InsufficientInstanceCapacity";
  auto none = h.provider.Increase(2);
  EXPECT_EQ(none.status().code(), util::Status::Code::kResourceExhausted);
  EXPECT_NE(none.status().message().find("EC2 RunInstances: InsufficientInstanceCapacity"), std::string::npos);
  EXPECT_EQ(h.server.count("RunInstances"), 4);

  Harness auth(SpotSettings());
  auth.ec2.pool_errors["spot:c5.large/subnet-a"] = "AuthFailure";
  auto denied = auth.provider.Increase(2);
  EXPECT_EQ(denied.status().code(), util::Status::Code::kPermissionDenied);
  EXPECT_EQ(auth.server.count("RunInstances"), 1);  // no other pool, no on-demand
}

TEST(AwsProviderTest, ListAdoptsOnlyOwnInstancesAndIsRateLimited) {
  Harness h(SpotSettings());
  h.ec2.instances["i-0ther"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-b"}}};
  h.ec2.instances["i-untagged"] = FakeInstance{"running", "c5.large", "subnet-a", "", {}};
  h.ec2.instances["i-left1"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  h.ec2.instances["i-left2"] = FakeInstance{"pending", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  auto list = h.provider.List();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, "i-left1");
  EXPECT_EQ((*list)[0].state, InstanceState::kRunning);
  EXPECT_EQ((*list)[1].state, InstanceState::kCreating);
  auto describe = h.server.requests().at(0);
  EXPECT_EQ(describe.Param("Filter.1.Name"), "tag:spotrunner:fleet");
  EXPECT_EQ(describe.Param("Filter.1.Value.1"), "fleet-a");
  for (int i = 0; i < 20; ++i) ASSERT_OK(h.provider.List());
  EXPECT_EQ(h.server.count("DescribeInstances"), 1);
  h.clock.Advance(std::chrono::seconds(11));
  ASSERT_OK(h.provider.List());
  EXPECT_EQ(h.server.count("DescribeInstances"), 2);

  // Decrease touches only ours; unknown ids count as done without a call.
  auto removed = h.provider.Decrease({"i-left1", "i-0ther", "i-nope"});
  ASSERT_OK(removed);
  EXPECT_EQ(removed->size(), 3u);
  EXPECT_EQ(h.ec2.instances["i-0ther"].state, "running");
  EXPECT_EQ(h.ec2.instances["i-left1"].state, "shutting-down");
  auto term = h.server.requests().back();
  EXPECT_EQ(term.action, "TerminateInstances");
  EXPECT_EQ(term.Param("InstanceId.1"), "i-left1");
  EXPECT_EQ(term.Param("InstanceId.2"), "");
}

TEST(AwsProviderTest, ReclaimedInstancesBecomeGoneEvents) {
  Harness h(SpotSettings());
  h.ec2.instances["i-a"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  h.ec2.instances["i-b"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  ASSERT_OK(h.provider.List());
  EXPECT_TRUE(h.provider.TakeEvents().empty());
  h.ec2.instances["i-a"].state = "terminated";
  h.ec2.instances["i-a"].reason = "Server.SpotInstanceTermination";
  h.ec2.instances.erase("i-b");
  h.clock.Advance(std::chrono::minutes(3));
  auto list = h.provider.List();
  ASSERT_OK(list);
  EXPECT_TRUE(list->empty());
  auto events = h.provider.TakeEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, ProviderEvent::Kind::kGone);
  EXPECT_EQ(events[0].id, "i-a");
  EXPECT_EQ(events[1].id, "i-b");
}

TEST(AwsProviderTest, ConnectUsesTheConfiguredAddress) {
  AwsSettings s = SpotSettings();
  s.use_private_address = true;
  s.ssh_user = "ubuntu";
  Harness h(s);
  h.ec2.instances["i-run"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  h.ec2.instances["i-boot"] = FakeInstance{"pending", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  auto c = h.provider.Connect("i-run");
  ASSERT_OK(c);
  EXPECT_EQ(c->external_addr, "10.0.0.7");
  EXPECT_EQ(c->username, "ubuntu");
  EXPECT_EQ(c->key_pem, "PRIVATE");
  EXPECT_EQ(h.provider.Connect("i-boot").status().code(), util::Status::Code::kFailedPrecondition);
  EXPECT_EQ(h.provider.Connect("i-gone").status().code(), util::Status::Code::kNotFound);
}

TEST(AwsProviderTest, DescribeCallsStayBoundedWhenManyInstancesBoot) {
  Harness h(SpotSettings());
  for (int i = 0; i < 300; ++i)
    h.ec2.instances["i-" + std::to_string(500000 + i)] =
        FakeInstance{"pending", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  // One simulated minute: List every second and a Connect to every booting instance.
  for (int second = 0; second < 60; ++second) {
    ASSERT_OK(h.provider.List());
    for (int i = 0; i < 300; i += 10)
      EXPECT_EQ(h.provider.Connect("i-" + std::to_string(500000 + i)).status().code(),
                util::Status::Code::kFailedPrecondition);
    h.clock.Advance(std::chrono::seconds(1));
  }
  EXPECT_LE(h.server.count("DescribeInstances"), 30);
}

TEST(AwsProviderTest, NoticesAreQueuedOncePerInstance) {
  Harness h(SpotSettings());
  ProviderEvent notice{ProviderEvent::Kind::kInterruptionNotice, "i-a", h.clock.Now(), h.clock.Now() + std::chrono::minutes(2)};
  EXPECT_TRUE(h.provider.ReportNotice(notice));
  EXPECT_FALSE(h.provider.ReportNotice(notice));
  auto events = h.provider.TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ProviderEvent::Kind::kInterruptionNotice);
  EXPECT_TRUE(h.provider.TakeEvents().empty());
}

TEST(AwsProviderTest, ProbeOutputWithANoticeQueuesItAndListsSoonerUntilTheInstanceGoes) {
  Harness h(SpotSettings());
  EXPECT_NE(h.provider.InstanceProbeCommand().find("meta-data/spot/instance-action"), std::string::npos);
  h.ec2.instances["i-a"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  ASSERT_OK(h.provider.List());
  h.clock.Advance(std::chrono::seconds(3));
  ASSERT_OK(h.provider.List());
  EXPECT_EQ(h.server.count("DescribeInstances"), 1);  // nothing expected to change: 10 s
  EXPECT_FALSE(h.provider.OnInstanceProbe("i-a", "action:\nrebalance:\n", h.clock.Now()));
  const std::string out = "action:{\"action\": \"terminate\", \"time\": \"2023-11-14T22:15:23Z\"}\nrebalance:\n";
  EXPECT_TRUE(h.provider.OnInstanceProbe("i-a", out, h.clock.Now()));
  EXPECT_FALSE(h.provider.OnInstanceProbe("i-a", out, h.clock.Now()));
  auto events = h.provider.TakeEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, ProviderEvent::Kind::kInterruptionNotice);
  EXPECT_EQ(events[0].deadline, *ParseIso8601("2023-11-14T22:15:23Z"));
  h.clock.Advance(std::chrono::seconds(2));
  ASSERT_OK(h.provider.List());
  EXPECT_EQ(h.server.count("DescribeInstances"), 2);  // a noticed instance is about to change
}

// Two managers of one config.toml: each launches with its system_id in kManagerTag (the
// fleet tag stays, as documented) and lists, adopts and removes only its own instances.
TEST(AwsProviderTest, ManagerTagKeepsTwoManagersOfOneFleetApart) {
  AwsSettings s = SpotSettings();
  s.manager_id = "s_aaaaaaaaaaaa";
  Harness h(s);
  EXPECT_EQ(h.provider.LaunchTags("spot").at(kManagerTag), "s_aaaaaaaaaaaa");
  EXPECT_EQ(h.provider.LaunchTags("spot").at(kFleetTag), "fleet-a");
  h.ec2.instances["i-mine"] = FakeInstance{"running", "c5.large", "subnet-a", "",
                                           {{kFleetTag, "fleet-a"}, {kManagerTag, "s_aaaaaaaaaaaa"}}};
  h.ec2.instances["i-theirs"] = FakeInstance{"running", "c5.large", "subnet-a", "",
                                             {{kFleetTag, "fleet-a"}, {kManagerTag, "s_bbbbbbbbbbbb"}}};
  h.ec2.instances["i-untagged-manager"] = FakeInstance{"running", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  auto list = h.provider.List();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].id, "i-mine");
  auto describe = h.server.requests().at(0);
  EXPECT_EQ(describe.Param("Filter.1.Name"), "tag:spotrunner:fleet");
  EXPECT_EQ(describe.Param("Filter.3.Name"), "tag:spotrunner:manager");
  EXPECT_EQ(describe.Param("Filter.3.Value.1"), "s_aaaaaaaaaaaa");
  ASSERT_OK(h.provider.Decrease({"i-mine", "i-theirs"}));
  EXPECT_EQ(h.ec2.instances["i-theirs"].state, "running");
  EXPECT_EQ(h.ec2.instances["i-mine"].state, "shutting-down");
  // Launches carry both tags and ask EC2 to terminate on a power-off from inside.
  ASSERT_OK(h.provider.Increase(1));
  QueryRequest run;
  for (const auto& r : h.server.requests())
    if (r.action == "RunInstances") run = r;
  EXPECT_EQ(run.Param("InstanceInitiatedShutdownBehavior"), "terminate");
  std::map<std::string, std::string> tags;
  for (int t = 1; !run.Param("TagSpecification.1.Tag." + std::to_string(t) + ".Key").empty(); ++t)
    tags[run.Param("TagSpecification.1.Tag." + std::to_string(t) + ".Key")] =
        run.Param("TagSpecification.1.Tag." + std::to_string(t) + ".Value");
  EXPECT_EQ(tags[kManagerTag], "s_aaaaaaaaaaaa");
  EXPECT_EQ(tags[kFleetTag], "fleet-a");
}

// A stopped instance is listed as kStopped (to be removed), and Decrease terminates it.
TEST(AwsProviderTest, StoppedInstancesAreListedAsStoppedAndTerminated) {
  Harness h(SpotSettings());
  h.ec2.instances["i-stopped"] = FakeInstance{"stopped", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  h.ec2.instances["i-stopping"] = FakeInstance{"stopping", "c5.large", "subnet-a", "", {{kFleetTag, "fleet-a"}}};
  auto list = h.provider.List();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].state, InstanceState::kStopped);
  EXPECT_EQ((*list)[1].state, InstanceState::kStopped);
  ASSERT_OK(h.provider.Decrease({"i-stopped"}));
  EXPECT_EQ(h.ec2.instances["i-stopped"].state, "shutting-down");
}

// With a dead-man switch, the user data carries the watcher next to the SSH key.
TEST(AwsProviderTest, DeadManSwitchGoesIntoTheUserData) {
  AwsSettings s = SpotSettings();
  s.ssh_user = "ubuntu";
  s.dead_man_timeout = std::chrono::seconds(1800);
  Harness h(s);
  std::string ud = DecodeBase64ForTest(h.provider.UserDataBase64());
  EXPECT_NE(ud.find("ssh-ed25519 AAAA test"), std::string::npos) << ud;
  EXPECT_NE(ud.find("SPOTRUNNER_DEAD_MAN_TIMEOUT=1800"), std::string::npos) << ud;
  EXPECT_NE(ud.find("spotrunner-dead-man-switch.service"), std::string::npos) << ud;
  EXPECT_NE(ud.find("chown 'ubuntu'"), std::string::npos) << ud;
}

}  // namespace
}  // namespace cloud::aws
