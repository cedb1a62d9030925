#include "metrics/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include "util/testing/test_util.h"

namespace metrics {
namespace {

TEST(ListenAddressTest, Parses) {
  auto a = ParseListenAddress("127.0.0.1:9252");
  ASSERT_OK(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9252);
  auto b = ParseListenAddress(":9252");
  ASSERT_OK(b);
  EXPECT_EQ(b->host, "0.0.0.0");
  auto c = ParseListenAddress("[::1]:80");
  ASSERT_OK(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(ParseListenAddress("localhost").status().message(), "listen_address \"localhost\": want host:port");
  EXPECT_EQ(ParseListenAddress("h:99999").status().message(), "listen_address \"h:99999\": port 99999 is out of range");
  EXPECT_EQ(ParseListenAddress("h:x1").status().message(), "listen_address \"h:x1\": port \"x1\" is not a number");
}

TEST(HttpServerTest, ServesMetricsOnLoopback) {
  Registry r;
  r.AddCounter("gitlab_runner_jobs_total", "Total number of handled jobs", {"runner"}).Inc({"abc"}, 2);
  HttpServer s(r);
  auto port = s.Start("127.0.0.1:0");
  ASSERT_OK(port);
  httplib::Client cli("127.0.0.1", *port);
  auto res = cli.Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), kContentType);
  EXPECT_NE(res->body.find("gitlab_runner_jobs_total{runner=\"abc\"} 2\n"), std::string::npos) << res->body;
  auto missing = cli.Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(s.Start("127.0.0.1:0").status().code(), util::Status::Code::kFailedPrecondition);
  s.Stop();
  s.Stop();
}

TEST(HttpServerTest, BusyPortIsUnavailable) {
  Registry r;
  HttpServer a(r), b(r);
  auto port = a.Start("127.0.0.1:0");
  ASSERT_OK(port);
  auto second = b.Start("127.0.0.1:" + std::to_string(*port));
  EXPECT_EQ(second.status().code(), util::Status::Code::kUnavailable);
}

}  // namespace
}  // namespace metrics
