// The metadata of an emulated instance read from inside a network namespace at
// 169.254.169.254, with curl, as software on the instance reads it.
#include "ec2emulator/imds_netns_server.h"

#include <unistd.h>

#include <array>
#include <cstdio>

#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

std::string Shell(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 1024> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

// A namespace of the test's own, removed at the end.
class Netns {
 public:
  Netns() : name_("sr-ec2emu-test-" + std::to_string(getpid())) { ok_ = RunIp({"netns", "add", name_}) == 0; }
  ~Netns() { RunIp({"netns", "del", name_}); }
  const std::string& name() const { return name_; }
  bool ok() const { return ok_; }

 private:
  std::string name_;
  bool ok_ = false;
};

TEST(ImdsNetnsServerTest, InstanceReadsItsMetadataAt169_254_169_254) {
  Harness h;
  const std::string id = h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"},
                                                {"MinCount", "1"},
                                                {"MaxCount", "1"},
                                                {"InstanceMarketOptions.MarketType", "spot"}})
                             .Text("instancesSet/item/instanceId");
  h.Advance(std::chrono::seconds(2));
  Netns ns;
  ASSERT_TRUE(ns.ok()) << "ip netns add failed (root is required)";
  ImdsNetnsServer server(h.emulator, id, ns.name());
  ASSERT_OK(server.Start());
  const std::string in_ns = "ip netns exec " + ns.name() + " curl -s -m 5 ";
  const std::string token =
      Shell(in_ns + "-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token");
  ASSERT_FALSE(token.empty());
  const std::string auth = "-H 'X-aws-ec2-metadata-token: " + token + "' ";
  EXPECT_EQ(Shell(in_ns + auth + "http://169.254.169.254/latest/meta-data/instance-id"), id);
  EXPECT_EQ(Shell(in_ns + "-o /dev/null -w '%{http_code}' " + auth +
                  "http://169.254.169.254/latest/meta-data/spot/instance-action"),
            "404");
  ASSERT_OK(h.emulator.Interrupt(id));
  EXPECT_NE(Shell(in_ns + auth + "http://169.254.169.254/latest/meta-data/spot/instance-action").find("\"terminate\""),
            std::string::npos);
  EXPECT_EQ(Shell(in_ns + "-o /dev/null -w '%{http_code}' http://169.254.169.254/latest/meta-data/instance-id"), "401");
  server.Stop();
  EXPECT_EQ(Shell("ip -n " + ns.name() + " addr show dev lo").find("169.254.169.254"), std::string::npos);
  // Nothing answers there any more.
  EXPECT_EQ(Shell(in_ns + "-o /dev/null -w '%{http_code}' http://169.254.169.254/latest/api/token"), "000");
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
