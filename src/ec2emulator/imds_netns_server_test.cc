// The metadata of an emulated instance read from inside a network namespace at
// 169.254.169.254, with curl, as software on the instance reads it.
#include "ec2emulator/imds_netns_server.h"

#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

TEST(ImdsNetnsServerTest, InstanceReadsItsMetadataAt169_254_169_254) {
  Harness h;
  const std::string id = RunSpotInstance(h);
  h.Advance(std::chrono::seconds(2));
  ScopedNetns ns("test");
  ASSERT_TRUE(ns.ok()) << "ip netns add failed (root is required)";
  ImdsNetnsServer server(h.emulator, id, ns.name());
  ASSERT_OK(server.Start());
  const std::string token =
      CurlIn(ns.name(), "-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token");
  ASSERT_FALSE(token.empty());
  const std::string auth = "-H 'X-aws-ec2-metadata-token: " + token + "' ";
  EXPECT_EQ(CurlIn(ns.name(), auth + "http://169.254.169.254/latest/meta-data/instance-id"), id);
  EXPECT_EQ(CurlIn(ns.name(), "-o /dev/null -w '%{http_code}' " + auth +
                                  "http://169.254.169.254/latest/meta-data/spot/instance-action"),
            "404");
  ASSERT_OK(h.emulator.Interrupt(id));
  EXPECT_NE(CurlIn(ns.name(), auth + "http://169.254.169.254/latest/meta-data/spot/instance-action").find("\"terminate\""),
            std::string::npos);
  EXPECT_EQ(CurlIn(ns.name(), "-o /dev/null -w '%{http_code}' http://169.254.169.254/latest/meta-data/instance-id"),
            "401");
  server.Stop();
  EXPECT_EQ(Shell("ip -n " + ns.name() + " addr show dev lo").find("169.254.169.254"), std::string::npos);
  // Nothing answers there any more.
  EXPECT_EQ(CurlIn(ns.name(), "-o /dev/null -w '%{http_code}' http://169.254.169.254/latest/api/token"), "000");
}

TEST(ImdsNetnsServerTest, BadOrMissingNamespace) {
  Harness h;
  ImdsNetnsServer bad(h.emulator, "i-0abc", "../etc");
  EXPECT_EQ(bad.Start().code(), util::Status::Code::kInvalidArgument);
  ImdsNetnsServer missing(h.emulator, "i-0abc", "sr-ec2emu-no-such-netns");
  EXPECT_EQ(missing.Start().code(), util::Status::Code::kNotFound);
}

}  // namespace
}  // namespace ec2emulator::testing
