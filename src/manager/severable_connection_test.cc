#include "manager/severable_connection.h"

#include <gtest/gtest.h>

#include <thread>

#include "executor/instance/local_test_connection.h"
#include "manager/fleet_factories.h"
#include "util/testing/test_util.h"

namespace manager {
namespace {

using namespace std::chrono_literals;

TEST(SeverableConnectionTest, SeverCancelsARunningExecAndFailsLaterCalls) {
  auto inner = std::make_shared<executor::testing::LocalTestConnection>();
  SeverableConnection c(inner);
  util::CancelToken never;
  std::thread t([&] {
    std::this_thread::sleep_for(200ms);
    c.Sever("instance sr-x-1 is gone");
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = c.Exec("sleep 30", "", [](std::string_view) {}, never);
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().ToString(), "unavailable: lost the instance: instance sr-x-1 is gone");
  EXPECT_EQ(c.Ping().code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(c.DialUnix("/var/run/docker.sock").status().code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(inner->execs.load(), 1);  // nothing reached the instance after the sever
}

// Any listening unix socket will do; the Docker daemon's (scripts/services.sh) is one.
TEST(SeverableConnectionTest, SeverClosesOpenStreams) {
  SeverableConnection c(std::make_shared<executor::testing::LocalTestConnection>());
  auto s = c.DialUnix("/var/run/docker.sock");
  ASSERT_OK(s);
  std::thread t([&] {
    std::this_thread::sleep_for(200ms);
    c.Sever("gone");
  });
  auto t0 = std::chrono::steady_clock::now();
  char buf[16];
  auto n = (*s)->Read(buf, sizeof buf);  // the daemon says nothing: blocks until the sever
  t.join();
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 150ms);
  EXPECT_TRUE(!n.ok() || *n == 0);
}

TEST(FleetFactoriesTest, EndpointPrefersInternalAddressUnlessAsked) {
  cloud::ConnectInfo info;
  info.id = "i-1";
  info.internal_addr = "10.1.2.3";
  info.external_addr = "203.0.113.9";
  info.port = 2222;
  info.key_pem = "KEY";
  config::ConnectorConfig cc;
  cc.username = "ubuntu";
  connect::Endpoint e = EndpointFor(info, cc);
  EXPECT_EQ(e.host, "10.1.2.3");
  EXPECT_EQ(e.port, 2222);
  EXPECT_EQ(e.username, "ubuntu");
  EXPECT_EQ(e.key_pem, "KEY");
  cc.use_external_addr = true;
  cc.timeout = std::chrono::seconds(3);
  info.username = "root";
  e = EndpointFor(info, cc);
  EXPECT_EQ(e.host, "203.0.113.9");
  EXPECT_EQ(e.username, "root");
  EXPECT_EQ(e.timeout, std::chrono::milliseconds(3000));
}

}  // namespace
}  // namespace manager
