// Real mode: emulated EC2 instances backed by `local` provider instances (a network
// namespace with its own sshd each). An instance answers SSH at its privateIpAddress,
// reads its metadata at 169.254.169.254 from inside, and is gone after termination.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>

#include "cloud/local/local_provider.h"
#include "ec2emulator/provider_backend.h"
#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

// The first bytes an SSH server sends at `ip`:22 ("SSH-2.0-…"), or "" (2 s at most).
std::string SshGreeting(const std::string& ip) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(22);
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) out.assign(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

TEST(LocalBackendTest, EmulatedInstanceIsANamespaceWithSshAndMetadata) {
  testutil::TempDir state;
  cloud::local::LocalOptions lo;
  lo.fleet = "ec2t" + std::to_string(getpid() % 100000);
  lo.state_dir = (state.path() / "fleet").string();
  auto provider = cloud::local::LocalProvider::Create(lo);
  ASSERT_OK(provider);
  Harness h;
  ProviderBackendOptions po;
  po.poll = std::chrono::milliseconds(50);
  po.ready_timeout = std::chrono::seconds(30);
  po.imds_emulator = &h.emulator;
  po.netns_of = [](const std::string& id) { return id; };
  ProviderBackend backend(**provider, po);
  Runtime runtime(h.emulator, backend);

  const std::string id = RunSpotInstance(h);
  runtime.Step();
  h.clock.Advance(std::chrono::seconds(2));
  runtime.Step();
  Answer d = h.Ec2("DescribeInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceState/name"), "running");
  const std::string ip = d.Text("reservationSet/item/instancesSet/item/privateIpAddress");
  EXPECT_EQ(SshGreeting(ip).rfind("SSH-2.0-", 0), 0u) << ip;
  const std::string netns = h.emulator.InstancesJson()[0]["backend_handle"];
  ASSERT_FALSE(netns.empty());
  const std::string token =
      CurlIn(netns, "-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token");
  EXPECT_EQ(CurlIn(netns, "-H 'X-aws-ec2-metadata-token: " + token + "' http://169.254.169.254/latest/meta-data/local-ipv4"),
            ip);

  h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  runtime.Step();
  EXPECT_EQ(Shell("ip netns list").find(netns), std::string::npos);
  EXPECT_EQ(runtime.Shutdown(), 0u);
  auto left = (*provider)->List();
  ASSERT_OK(left);
  EXPECT_TRUE(left->empty());
}

}  // namespace
}  // namespace ec2emulator::testing
