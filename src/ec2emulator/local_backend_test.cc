// Real mode: emulated EC2 instances backed by `local` provider instances (a network
// namespace with its own sshd each). An instance answers SSH at its privateIpAddress,
// reads its metadata at 169.254.169.254 from inside, and is gone after termination.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <thread>

#include "cloud/aws/user_data.h"
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

// An instance runs a Docker Engine only when its user data installs one, configured by the
// daemon.json the user data writes, as cloud-init would leave a stock image.
TEST(LocalBackendTest, EngineOnlyWhenTheUserDataInstallsOne) {
  testutil::TempDir state;
  cloud::local::LocalOptions lo;
  lo.fleet = "ec2e" + std::to_string(getpid() % 100000);
  lo.state_dir = (state.path() / "fleet").string();
  lo.instance_keys = true;
  auto provider = cloud::local::LocalProvider::Create(lo);
  ASSERT_OK(provider);
  Harness h;
  ProviderBackendOptions po;
  po.poll = std::chrono::milliseconds(50);
  po.ready_timeout = std::chrono::seconds(30);
  po.start_engine = [p = provider->get()](const std::string& id, const cloud::local::EngineConfig& e) {
    return p->StartEngine(id, e);
  };
  ProviderBackend backend(**provider, po);
  Runtime runtime(h.emulator, backend);
  const std::string with_engine =
      "#cloud-config\npackages:\n  - docker.io\nwrite_files:\n  - path: /etc/docker/daemon.json\n"
      "    content: |\n      {\"labels\": [\"from=user-data\"]}\n";
  auto launch = [&](const std::string& user_data) {
    Params params = {{"ImageId", "ami-0123456789abcdef0"}, {"MinCount", "1"}, {"MaxCount", "1"}};
    if (!user_data.empty()) params.push_back({"UserData", cloud::aws::Base64(user_data)});
    return h.Ec2("RunInstances", params).Text("instancesSet/item/instanceId");
  };
  const std::string engine_id = launch(with_engine), bare_id = launch("");
  ASSERT_FALSE(engine_id.empty());
  ASSERT_FALSE(bare_id.empty());
  runtime.Step();
  h.clock.Advance(std::chrono::seconds(2));
  runtime.Step();
  std::map<std::string, std::string> handle;
  for (const auto& i : h.emulator.InstancesJson()) handle[i["id"]] = i["backend_handle"];
  // Inside the instance (its network and mounts, through its anchor process).
  auto in = [&](const std::string& id, const std::string& cmd) {
    const std::string anchor = lo.state_dir + "/" + handle[id] + ".init";
    return Shell("nsenter -t $(cat " + anchor + ") -m -n sh -c '" + cmd + "' 2>&1");
  };
  std::string info;
  for (int i = 0; i < 150 && info.find("DockerRootDir") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    info = in(engine_id, "curl -s --unix-socket /var/run/docker.sock http://localhost/info");
  }
  EXPECT_NE(info.find("from=user-data"), std::string::npos) << info;
  EXPECT_NE(info.find("\"Images\":0,"), std::string::npos) << info;
  EXPECT_EQ(in(bare_id, "test -e /var/run/docker.sock && echo engine || echo none"), "none\n");

  h.Ec2("TerminateInstances", {{"InstanceId.1", engine_id}, {"InstanceId.2", bare_id}});
  runtime.Step();
  EXPECT_FALSE(std::filesystem::exists(lo.state_dir + "/" + handle[engine_id] + ".docker"));
  EXPECT_EQ(runtime.Shutdown(), 0u);
}

}  // namespace
}  // namespace ec2emulator::testing
