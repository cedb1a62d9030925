#include "cloud/aws/interruption_probe.h"

#include <gtest/gtest.h>

#include "cloud/aws/imds_client.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

class ScriptedConnection : public connect::Connection {
 public:
  explicit ScriptedConnection(std::string output) : output_(std::move(output)) {}
  util::Result<int> Exec(const std::string& command, std::string_view, const connect::OutputFn& out,
                         const util::CancelToken&) override {
    commands.push_back(command);
    out(output_);
    return 0;
  }
  util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::string&) override {
    return util::Status::Unimplemented("not used");
  }
  util::Status Ping() override { return util::Status::Ok(); }
  std::vector<std::string> commands;

 private:
  std::string output_;
};

TEST(InterruptionProbeTest, NoticeFromTheInstance) {
  util::ManualClock clock(*ParseIso8601("2017-09-18T08:20:00Z"));
  std::string action = testutil::ReadFile(testutil::FixturePath("aws/imds/spot-instance-action-terminate.json"));
  ScriptedConnection conn("action:" + action + "\nrebalance:\n");
  auto event = ProbeInterruption(conn, "i-a", clock.Now());
  ASSERT_OK(event);
  ASSERT_TRUE(event->has_value());
  EXPECT_EQ(conn.commands.size(), 1u);
  EXPECT_NE(conn.commands[0].find("spot/instance-action"), std::string::npos);
  EXPECT_EQ((*event)->kind, ProviderEvent::Kind::kInterruptionNotice);
  EXPECT_EQ((*event)->id, "i-a");
  EXPECT_EQ((*event)->deadline, *ParseIso8601("2017-09-18T08:22:00Z"));

  std::string rebalance = testutil::ReadFile(testutil::FixturePath("aws/imds/events-recommendations-rebalance.json"));
  auto e = ParseProbeOutput("i-b", "action:\nrebalance:" + rebalance + "\n", clock.Now());
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->deadline, clock.Now() + std::chrono::minutes(2));
  EXPECT_FALSE(ParseProbeOutput("i-c", "action:\nrebalance:\n", clock.Now()).has_value());
}

}  // namespace
}  // namespace cloud::aws
