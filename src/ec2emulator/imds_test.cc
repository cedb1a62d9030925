// Instance metadata (IMDSv2) and spot interruption notices.
#include <nlohmann/json.hpp>

#include "ec2emulator/test_support.h"
#include "ec2emulator/xml.h"

namespace ec2emulator::testing {
namespace {

class ImdsTest : public ::testing::Test {
 protected:
  ImdsTest() : h_(Options()) {}
  static EmulatorOptions Options() {
    EmulatorOptions o;
    o.time_factor = 0.05;  // the 2-minute notice lasts 6 s
    return o;
  }
  std::string Launch(bool spot) {
    Params p = {
        {"ImageId", "ami-0123456789abcdef0"}, {"InstanceType", "c5.large"}, {"MinCount", "1"}, {"MaxCount", "1"}};
    if (spot) p.emplace_back("InstanceMarketOptions.MarketType", "spot");
    std::string id = h_.Ec2("RunInstances", p).Text("instancesSet/item/instanceId");
    h_.Advance(std::chrono::seconds(2));
    return id;
  }
  std::string Token(const std::string& id) {
    HttpReply r = h_.emulator.Imds(id, "PUT", "/latest/api/token", "", "21600", false);
    EXPECT_EQ(r.status, 200);
    return r.body;
  }
  HttpReply Get(const std::string& id, const std::string& path, const std::string& token) {
    return h_.emulator.Imds(id, "GET", path, token, "", false);
  }
  std::string State(const std::string& id) {
    return h_.Ec2("DescribeInstances", {{"InstanceId.1", id}})
        .Text("reservationSet/item/instancesSet/item/instanceState/name");
  }
  Harness h_;
};

TEST_F(ImdsTest, TokenRules) {
  const std::string id = Launch(true);
  EXPECT_EQ(Get(id, "/latest/meta-data/instance-id", "").status, 401);
  EXPECT_EQ(Get(id, "/latest/meta-data/instance-id", "made-up").status, 401);
  EXPECT_EQ(h_.emulator.Imds(id, "PUT", "/latest/api/token", "", "", false).status, 400);
  EXPECT_EQ(h_.emulator.Imds(id, "PUT", "/latest/api/token", "", "21601", false).status, 400);
  EXPECT_EQ(h_.emulator.Imds(id, "PUT", "/latest/api/token", "", "60", true).status, 403);
  EXPECT_EQ(h_.emulator.Imds(id, "PUT", "/2021-03-23/api/token", "", "60", false).status, 403);
  const std::string token = Token(id);
  EXPECT_EQ(Get(id, "/latest/meta-data/instance-id", token).body, id);
  EXPECT_EQ(Get(id, "/latest/meta-data/instance-life-cycle", token).body, "spot");
  EXPECT_EQ(Get(id, "/latest/meta-data/placement/availability-zone", token).body, "us-east-1a");
  EXPECT_EQ(Get(id, "/latest/meta-data/nothing-here", token).status, 404);
  // A token is bound to its instance.
  const std::string other = Launch(false);
  EXPECT_EQ(Get(other, "/latest/meta-data/instance-id", token).status, 401);
  EXPECT_EQ(Get(other, "/latest/meta-data/instance-life-cycle", Token(other)).body, "on-demand");
  // And it expires.
  HttpReply shortlived = h_.emulator.Imds(id, "PUT", "/latest/api/token", "", "1", false);
  h_.clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(Get(id, "/latest/meta-data/instance-id", shortlived.body).status, 401);
}

TEST_F(ImdsTest, InterruptionNoticeThenTermination) {
  const std::string id = Launch(true);
  const std::string token = Token(id);
  EXPECT_EQ(Get(id, "/latest/meta-data/spot/instance-action", token).status, 404);
  const util::Time notice = h_.clock.Now();
  ASSERT_OK(h_.emulator.Interrupt(id));
  HttpReply action = Get(id, "/latest/meta-data/spot/instance-action", token);
  ASSERT_EQ(action.status, 200);
  auto j = nlohmann::json::parse(action.body);
  EXPECT_EQ(j["action"], "terminate");
  EXPECT_EQ(j["time"], IsoSeconds(notice + std::chrono::seconds(6)));
  EXPECT_EQ(Get(id, "/latest/meta-data/spot/termination-time", token).body,
            IsoSeconds(notice + std::chrono::seconds(6)));
  h_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(State(id), "running");
  h_.Advance(std::chrono::seconds(1));
  EXPECT_EQ(State(id), "shutting-down");
  EXPECT_EQ(h_.Ec2("DescribeInstances", {{"InstanceId.1", id}})
                .Text("reservationSet/item/instancesSet/item/stateReason/code"),
            "Server.SpotInstanceTermination");
  h_.Advance(std::chrono::seconds(1));  // shutdown 10 s × 0.05
  EXPECT_EQ(State(id), "terminated");
  EXPECT_EQ(h_.backend.terminated(), 1);
  EXPECT_EQ(Get(id, "/latest/meta-data/instance-id", token).status, 404);
}

TEST_F(ImdsTest, RebalanceRecommendationAndAdminErrors) {
  const std::string id = Launch(true);
  const std::string token = Token(id);
  EXPECT_EQ(Get(id, "/latest/meta-data/events/recommendations/rebalance", token).status, 404);
  ASSERT_OK(h_.emulator.Rebalance(id));
  HttpReply r = Get(id, "/latest/meta-data/events/recommendations/rebalance", token);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["noticeTime"], IsoSeconds(h_.clock.Now()));
  const std::string od = Launch(false);
  EXPECT_EQ(h_.emulator.Interrupt(od).code(), util::Status::Code::kFailedPrecondition);
  EXPECT_EQ(h_.emulator.Interrupt("i-0000").code(), util::Status::Code::kNotFound);
}

}  // namespace
}  // namespace ec2emulator::testing
