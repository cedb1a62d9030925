#include "cloud/aws/ec2_client.h"

#include <gtest/gtest.h>

#include "cloud/aws/testdata/fake_query_server.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

using testing::Ec2Error;
using testing::FakeQueryServer;
using testing::QueryReply;
using testing::QueryRequest;

std::string Fixture(const std::string& name) { return testutil::ReadFile(testutil::FixturePath("aws/ec2/" + name)); }

CredentialChainOptions StaticKeys() {
  CredentialChainOptions o;
  o.access_key = "AKIDTEST";
  o.secret_key = "secret";
  o.env = [](const std::string&) { return std::nullopt; };
  return o;
}

struct Harness {
  explicit Harness(FakeQueryServer::Responder r, RetryPolicy retry = {})
      : server(std::move(r)),
        chain(StaticKeys(), http, clock),
        query(QueryEndpoint{"EC2", server.url(), "ec2", "us-east-1", "2016-11-15"}, chain, http, clock, retry, 7,
              [this](util::Duration d) { sleeps.push_back(d); }),
        ec2(query) {}
  FakeQueryServer server;
  util::HttpClient http;
  util::ManualClock clock{util::Time(std::chrono::seconds(1700000000))};
  CredentialChain chain;
  std::vector<util::Duration> sleeps;
  QueryClient query;
  Ec2Client ec2;
};

TEST(Ec2ClientTest, DescribeInstancesParsesFixturesAndFollowsPages) {
  int page = 0;
  Harness h([&](const QueryRequest& r) {
    EXPECT_EQ(r.Param("Version"), "2016-11-15");
    EXPECT_EQ(r.authorization.rfind("AWS4-HMAC-SHA256 Credential=AKIDTEST/20231114/us-east-1/ec2/aws4_request", 0), 0u);
    EXPECT_EQ(r.Param("Filter.1.Name"), "tag:spotrunner:fleet");
    EXPECT_EQ(r.Param("Filter.1.Value.1"), "fleet-a");
    if (page++ == 0) {
      EXPECT_EQ(r.Param("NextToken"), "");
      std::string body = Fixture("DescribeInstances-docs-example.xml");
      body.insert(body.rfind("</DescribeInstancesResponse>"), "<nextToken>page2</nextToken>");
      return QueryReply{200, body};
    }
    EXPECT_EQ(r.Param("NextToken"), "page2");
    return QueryReply{200, Fixture("DescribeInstances-libcloud-two-reservations.xml")};
  });
  auto list = h.ec2.DescribeInstances({{"tag:spotrunner:fleet", {"fleet-a"}}});
  ASSERT_OK(list);
  EXPECT_EQ(page, 2);
  ASSERT_GE(list->size(), 3u);
  const Ec2Instance& first = (*list)[0];
  EXPECT_EQ(first.id, "i-1234567890abcdef0");
  EXPECT_EQ(first.state, "running");
  EXPECT_EQ(first.instance_type, "t2.micro");
  EXPECT_EQ(first.availability_zone, "eu-west-1c");
  EXPECT_FALSE(first.private_ip.empty());
  EXPECT_EQ(first.launch_time, *ParseIso8601("2018-05-08T16:46:19Z"));
}

TEST(Ec2ClientTest, RunInstancesWireNamesAndResponse) {
  Harness h([&](const QueryRequest&) { return QueryReply{200, Fixture("RunInstances-botocore.xml")}; });
  RunInstancesRequest r;
  r.image_id = "ami-1";
  r.instance_type = "c5.large";
  r.max_count = 3;
  r.subnet_id = "subnet-a";
  r.security_group_ids = {"sg-1", "sg-2"};
  r.spot = true;
  r.max_price = "0.05";
  r.tags = {{"spotrunner:fleet", "f"}, {"Name", "f-runner"}};
  r.client_token = "tok-1";
  r.user_data_base64 = "IyEvYmluL3NoCg==";
  auto out = h.ec2.RunInstances(r);
  ASSERT_OK(out);
  EXPECT_FALSE(out->empty());
  auto req = h.server.requests().at(0);
  EXPECT_EQ(req.Param("InstanceMarketOptions.MarketType"), "spot");
  EXPECT_EQ(req.Param("InstanceMarketOptions.SpotOptions.MaxPrice"), "0.05");
  EXPECT_EQ(req.Param("SecurityGroupId.2"), "sg-2");
  EXPECT_EQ(req.Param("MaxCount"), "3");
  EXPECT_EQ(req.Param("TagSpecification.1.ResourceType"), "instance");
  EXPECT_EQ(req.Param("TagSpecification.1.Tag.2.Key"), "spotrunner:fleet");
  EXPECT_EQ(req.Param("TagSpecification.2.ResourceType"), "volume");
  EXPECT_EQ(req.Param("ClientToken"), "tok-1");
  EXPECT_EQ(req.Param("UserData"), "IyEvYmluL3NoCg==");
}

TEST(Ec2ClientTest, CreateFleetInstantPartialGrant) {
  Harness h([&](const QueryRequest&) {
    return QueryReply{200, R"(<CreateFleetResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
      <requestId>r</requestId><fleetId>fleet-1</fleetId>
      <errorSet><item><launchTemplateAndOverrides><overrides><instanceType>c5.large</instanceType>
        <subnetId>subnet-a</subnetId></overrides></launchTemplateAndOverrides><lifecycle>spot</lifecycle>
        <errorCode>InsufficientInstanceCapacity</errorCode><errorMessage>none left</errorMessage></item></errorSet>
      <fleetInstanceSet><item><lifecycle>spot</lifecycle><instanceIds><item>i-0a</item><item>i-0b</item></instanceIds>
        <instanceType>m5.large</instanceType></item></fleetInstanceSet></CreateFleetResponse>)"};
  });
  CreateFleetRequest r;
  r.launch_template_name = "lt";
  r.overrides = {{"c5.large", "subnet-a", ""}, {"m5.large", "subnet-b", ""}};
  r.total_capacity = 3;
  auto out = h.ec2.CreateFleet(r);
  ASSERT_OK(out);
  EXPECT_EQ(out->instance_ids, (std::vector<std::string>{"i-0a", "i-0b"}));
  ASSERT_EQ(out->errors.size(), 1u);
  EXPECT_EQ(out->errors[0].code, "InsufficientInstanceCapacity");
  EXPECT_EQ(out->errors[0].subnet_id, "subnet-a");
  auto req = h.server.requests().at(0);
  EXPECT_EQ(req.Param("Type"), "instant");
  EXPECT_EQ(req.Param("SpotOptions.AllocationStrategy"), "price-capacity-optimized");
  EXPECT_EQ(req.Param("LaunchTemplateConfigs.1.Overrides.2.SubnetId"), "subnet-b");
  EXPECT_EQ(req.Param("TargetCapacitySpecification.TotalTargetCapacity"), "3");
}

TEST(Ec2ClientTest, ThrottlingRetriedWithCappedJitteredBackoff) {
  int n = 0;
  Harness h([&](const QueryRequest&) {
    if (++n < 3) return QueryReply{503, Ec2Error("RequestLimitExceeded", "Request limit exceeded.")};
    return QueryReply{200, Fixture("CreateTags-docs-example.xml")};
  });
  ASSERT_OK(h.ec2.CreateTags({"i-1"}, {{"k", "v"}}));
  EXPECT_EQ(n, 3);
  ASSERT_EQ(h.sleeps.size(), 2u);
  EXPECT_LE(h.sleeps[0], std::chrono::seconds(1));
  EXPECT_LE(h.sleeps[1], std::chrono::seconds(2));
}

TEST(Ec2ClientTest, RetriesAreBounded) {
  Harness h([&](const QueryRequest&) { return QueryReply{500, Ec2Error("InternalError", "boom")}; });
  auto s = h.ec2.CreateTags({"i-1"}, {{"k", "v"}});
  EXPECT_EQ(s.code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(h.server.count("CreateTags"), 4);
  EXPECT_EQ(h.sleeps.size(), 3u);
  for (auto d : h.sleeps) EXPECT_LE(d, std::chrono::seconds(20));
}

TEST(Ec2ClientTest, ErrorsNameCallAndCodeAndAreNotRetried) {
  struct Case {
    std::string code;
    util::Status::Code status;
    std::string hint;
  };
  for (const Case& c : std::vector<Case>{
           {"SignatureDoesNotMatch", util::Status::Code::kPermissionDenied, "clock"},
           {"RequestExpired", util::Status::Code::kPermissionDenied, "clock"},
           {"AuthFailure", util::Status::Code::kPermissionDenied, "region"},
           {"InsufficientInstanceCapacity", util::Status::Code::kResourceExhausted, ""},
           {"InvalidParameterValue", util::Status::Code::kInvalidArgument, ""},
           {"InvalidAMIID.NotFound", util::Status::Code::kNotFound, ""}}) {
    Harness h([&](const QueryRequest&) { return QueryReply{400, Ec2Error(c.code, "  details here \n")}; });
    auto s = h.ec2.CreateTags({"i-1"}, {{"k", "v"}});
    EXPECT_EQ(s.code(), c.status) << c.code;
    EXPECT_EQ(s.message().rfind("EC2 CreateTags: " + c.code + ": details here", 0), 0u) << s.message();
    EXPECT_NE(s.message().find("request id req-1"), std::string::npos);
    EXPECT_NE(s.message().find(c.hint), std::string::npos) << s.message();
    EXPECT_EQ(h.server.count("CreateTags"), 1) << c.code;
    EXPECT_EQ(h.query.last_error().code, c.code);
  }
}

TEST(Ec2ClientTest, MalformedXmlIsAClearError) {
  Harness h([&](const QueryRequest&) { return QueryReply{200, "<DescribeInstancesResponse><reservationSet>"}; });
  auto s = h.ec2.DescribeInstances({});
  EXPECT_EQ(s.status().code(), util::Status::Code::kInternal);
  EXPECT_NE(s.status().message().find("EC2 DescribeInstances: HTTP 200 with a body that is not XML"), std::string::npos)
      << s.status().message();
}

TEST(Ec2ClientTest, TerminateInBatchesAndSkipsUnknownIds) {
  Harness h([&](const QueryRequest& r) {
    for (const auto& [k, v] : r.params)
      if (v == "i-dead") return QueryReply{400, Ec2Error("InvalidInstanceID.NotFound", "The instance ID 'i-dead' does not exist")};
    return QueryReply{200, Fixture("TerminateInstances-docs-example.xml")};
  });
  std::vector<std::string> ids;
  for (int i = 0; i < 2500; ++i) ids.push_back("i-" + std::to_string(1000 + i));
  ids[1500] = "i-dead";
  auto out = h.ec2.TerminateInstances(ids);
  ASSERT_OK(out);
  EXPECT_EQ(out->size(), 2500u);
  // 3 batches of ≤1000, one sent again without the unknown id.
  EXPECT_EQ(h.server.count("TerminateInstances"), 4);
  for (const auto& r : h.server.requests()) EXPECT_EQ(r.Param("InstanceId.1001"), "");
}

TEST(Ec2ClientTest, SpotPriceHistoryFixture) {
  Harness h([&](const QueryRequest& r) {
    EXPECT_EQ(r.Param("StartTime"), "2023-11-14T22:13:20Z");
    return QueryReply{200, Fixture("DescribeSpotPriceHistory-botocore.xml")};
  });
  auto prices = h.ec2.DescribeSpotPriceHistory({"m1.small"}, h.clock.Now());
  ASSERT_OK(prices);
  ASSERT_FALSE(prices->empty());
  EXPECT_GT((*prices)[0].price, 0);
  EXPECT_FALSE((*prices)[0].availability_zone.empty());
}

// A real response shape (libcloud's fixture) parses; owners and filters go out under
// EC2's wire names; pages are followed.
TEST(Ec2ClientTest, DescribeImagesParsesAndFollowsPages) {
  int calls = 0;
  Harness h([&](const QueryRequest& r) {
    EXPECT_EQ(r.action, "DescribeImages");
    EXPECT_EQ(r.Param("Owner.1"), "099720109477");
    EXPECT_EQ(r.Param("Filter.1.Name"), "name");
    EXPECT_EQ(r.Param("Filter.1.Value.1"), "ubuntu/*");
    if (++calls == 1) {
      std::string body = Fixture("DescribeImages-libcloud.xml");
      body.insert(body.find("</DescribeImagesResponse>"), "<nextToken>p2</nextToken>");
      return QueryReply{200, body};
    }
    EXPECT_EQ(r.Param("NextToken"), "p2");
    return QueryReply{200, "<DescribeImagesResponse><imagesSet><item><imageId>ami-3</imageId><name>n</name>"
                           "<creationDate>2024-11-19T18:45:03.000Z</creationDate></item></imagesSet>"
                           "</DescribeImagesResponse>"};
  });
  auto images = h.ec2.DescribeImages({"099720109477"}, {{"name", {"ubuntu/*"}}});
  ASSERT_OK(images);
  ASSERT_EQ(images->size(), 3u);
  EXPECT_EQ((*images)[0].id, "ami-57ba933a");
  EXPECT_EQ((*images)[0].name, "Test Image");
  EXPECT_EQ((*images)[0].state, "available");
  EXPECT_EQ((*images)[0].owner_id, "123456788908");
  EXPECT_EQ((*images)[0].architecture, "x86_64");
  EXPECT_EQ((*images)[0].root_device_type, "ebs");
  EXPECT_EQ((*images)[0].virtualization_type, "paravirtual");
  EXPECT_EQ((*images)[0].creation_date, "");
  EXPECT_EQ((*images)[1].id, "ami-85b2a8ae");
  EXPECT_EQ((*images)[2].creation_date, "2024-11-19T18:45:03.000Z");
}

}  // namespace
}  // namespace cloud::aws
