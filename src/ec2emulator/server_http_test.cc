// The emulator over real HTTP on 127.0.0.1: signature checks, both APIs, admin API and
// the per-instance metadata route.
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "cloud/aws/sigv4.h"
#include "ec2emulator/server.h"
#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

const SigV4Credentials kCreds{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

class ServerHttpTest : public ::testing::Test {
 protected:
  ServerHttpTest() : server_(h_.emulator, h_.clock, Options()) {}
  static ServerOptions Options() {
    ServerOptions o;
    o.credentials = kCreds;
    o.admin_token = "admin-secret";
    return o;
  }
  void SetUp() override {
    auto port = server_.Start("127.0.0.1", 0);
    ASSERT_OK(port);
    host_ = "127.0.0.1:" + std::to_string(*port);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", *port);
  }
  void TearDown() override { server_.Stop(); }

  // POSTs `body` signed for `service` at `when` with `creds`; parses the XML answer.
  Answer Post(const std::string& body, const std::string& service, util::Time when,
              const SigV4Credentials& creds = kCreds) {
    const std::string date = cloud::aws::FormatAmzDate(when);
    httplib::Headers headers = {
        {"Host", host_}, {"X-Amz-Date", date}, {"Authorization", SignForm(host_, body, date, service, creds)}};
    auto res = client_->Post("/", headers, body, "application/x-www-form-urlencoded; charset=utf-8");
    Answer a;
    EXPECT_TRUE(res);
    if (!res) return a;
    a.status = res->status;
    a.body = res->body;
    EXPECT_TRUE(a.doc.load_string(res->body.c_str())) << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/xml;charset=UTF-8");
    return a;
  }
  httplib::Headers Admin() { return {{"Authorization", "Bearer admin-secret"}}; }

  Harness h_;
  Server server_;
  std::string host_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerHttpTest, SignedCallsAreAnswered) {
  Answer run = Post(
      "Action=RunInstances&Version=2016-11-15&ImageId=ami-0abc&MinCount=1&MaxCount=1"
      "&InstanceMarketOptions.MarketType=spot&TagSpecification.1.ResourceType=instance"
      "&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=runner%2042",
      "ec2", h_.clock.Now());
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.Text("instancesSet/item/tagSet/item/value"), "runner 42");
  Answer asg = Post("Action=DescribeAutoScalingGroups&Version=2011-01-01", "autoscaling", h_.clock.Now());
  ASSERT_EQ(asg.status, 200) << asg.body;
  EXPECT_EQ(std::string(asg.root().name()), "DescribeAutoScalingGroupsResponse");
}

// EC2 takes 16 KB of user data; base64 and form encoding make the request about 30 KB.
TEST_F(ServerHttpTest, RunInstancesTakesTheLargestUserData) {
  std::string b64;
  for (int i = 0; i < 16 * 1024 / 3; ++i) b64 += "YWJj";  // "abc" * 5461: 16383 bytes decoded
  std::string encoded;
  for (char c : b64) encoded += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
  Answer run = Post("Action=RunInstances&Version=2016-11-15&ImageId=ami-0abc&MinCount=1&MaxCount=1&UserData=" +
                        encoded + "&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=" +
                        std::string(6000, 'k') + "&TagSpecification.1.Tag.1.Value=v",
                    "ec2", h_.clock.Now());
  EXPECT_EQ(run.status, 200) << run.body;
  EXPECT_FALSE(run.Text("instancesSet/item/instanceId").empty()) << run.body;
}

TEST_F(ServerHttpTest, BadSignaturesAreRefusedAsEc2Does) {
  const std::string body = "Action=DescribeInstances&Version=2016-11-15";
  Answer wrong = Post(body, "ec2", h_.clock.Now(), {kCreds.access_key_id, "wrong"});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.ErrorCode(), "SignatureDoesNotMatch");
  EXPECT_EQ(std::string(wrong.root().name()), "Response");
  Answer old = Post(body, "ec2", h_.clock.Now() - std::chrono::minutes(20));
  EXPECT_EQ(old.status, 400);
  EXPECT_EQ(old.ErrorCode(), "RequestExpired");
  Answer service = Post(body, "autoscaling", h_.clock.Now());
  EXPECT_EQ(service.ErrorCode(), "SignatureDoesNotMatch");
  Answer asg = Post("Action=DescribeAutoScalingGroups&Version=2011-01-01", "autoscaling", h_.clock.Now(),
                    {kCreds.access_key_id, "wrong"});
  EXPECT_EQ(asg.status, 403);
  EXPECT_EQ(std::string(asg.root().name()), "ErrorResponse");
  EXPECT_EQ(asg.ErrorCode(), "SignatureDoesNotMatch");
  auto unsigned_res = client_->Post("/", body, "application/x-www-form-urlencoded");
  ASSERT_TRUE(unsigned_res);
  EXPECT_EQ(unsigned_res->status, 401);
  EXPECT_NE(unsigned_res->body.find("<Code>MissingAuthenticationToken</Code>"), std::string::npos);
}

TEST_F(ServerHttpTest, AdminFaultsInterruptAndImds) {
  EXPECT_EQ(client_->Get("/admin/instances")->status, 401);
  auto fault = client_->Post("/admin/faults", Admin(), R"({"kind":"throttle","count":1})", "application/json");
  ASSERT_TRUE(fault);
  EXPECT_EQ(fault->status, 201);
  EXPECT_EQ(Post("Action=DescribeInstances&Version=2016-11-15", "ec2", h_.clock.Now()).ErrorCode(),
            "RequestLimitExceeded");
  auto bad = client_->Post("/admin/faults", Admin(), R"({"kind":"capacity","zone":7})", "application/json");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body)["error"], "fault field 'zone' must be a string");

  Answer run = Post(
      "Action=RunInstances&Version=2016-11-15&ImageId=ami-0abc&MinCount=1&MaxCount=1"
      "&InstanceMarketOptions.MarketType=spot",
      "ec2", h_.clock.Now());
  const std::string id = run.Text("instancesSet/item/instanceId");
  h_.Advance(std::chrono::seconds(2));
  auto list = nlohmann::json::parse(client_->Get("/admin/instances", Admin())->body);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["state"], "running");
  EXPECT_EQ(client_->Post(("/admin/instances/" + id + "/interrupt").c_str(), Admin(), "", "application/json")->status,
            200);
  EXPECT_EQ(client_->Post("/admin/instances/i-0404/interrupt", Admin(), "", "application/json")->status, 404);

  auto token = client_->Put(("/imds/" + id + "/latest/api/token").c_str(),
                            httplib::Headers{{"X-aws-ec2-metadata-token-ttl-seconds", "60"}}, "", "text/plain");
  ASSERT_TRUE(token);
  ASSERT_EQ(token->status, 200);
  EXPECT_EQ(token->get_header_value("X-aws-ec2-metadata-token-ttl-seconds"), "60");
  auto action = client_->Get(("/imds/" + id + "/latest/meta-data/spot/instance-action").c_str(),
                             httplib::Headers{{"X-aws-ec2-metadata-token", token->body}});
  ASSERT_TRUE(action);
  EXPECT_EQ(action->status, 200);
  EXPECT_EQ(nlohmann::json::parse(action->body)["action"], "terminate");
}

}  // namespace
}  // namespace ec2emulator::testing
