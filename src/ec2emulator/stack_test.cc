// The whole emulator stack with `local` instances: an instance opens to the SSH key of
// its cloud-config user data and to nothing else; Stop() leaves no instance behind.
#include "ec2emulator/stack.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <thread>

#include "cloud/aws/user_data.h"
#include "connect/ssh/ssh_connection.h"
#include "connect/ssh/ssh_keys.h"
#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) v |= static_cast<unsigned char>(in[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += i + 1 < in.size() ? k[(v >> 6) & 63] : '=';
    out += i + 2 < in.size() ? k[v & 63] : '=';
  }
  return out;
}

std::string RunInstance(Emulator& emu, const std::vector<std::pair<std::string, std::string>>& extra) {
  QueryParams p;
  for (const auto& [k, v] : std::vector<std::pair<std::string, std::string>>{
           {"Action", "RunInstances"}, {"Version", "2016-11-15"}, {"ImageId", "ami-0123456789abcdef0"},
           {"MinCount", "1"}, {"MaxCount", "1"}})
    p.Set(k, v);
  for (const auto& [k, v] : extra) p.Set(k, v);
  HttpReply r = emu.Ec2(p);
  EXPECT_EQ(r.status, 200) << r.body;
  pugi::xml_document doc;
  doc.load_string(r.body.c_str());
  return doc.first_child().first_element_by_path("instancesSet/item/instanceId").text().get();
}

// The private address of a running instance (waits up to 30 s).
std::string RunningAddress(Emulator& emu, const std::string& id) {
  for (int i = 0; i < 300; ++i) {
    for (const auto& j : emu.InstancesJson())
      if (j["id"] == id && j["state"] == "running") return j["private_ip"];
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

TEST(EmulatorStackTest, InstancesOpenOnlyToTheKeysOfTheirUserData) {
  testutil::TempDir state;
  StackOptions o;
  o.backend = "local";
  o.local.fleet = "ek" + std::to_string(getpid() % 100000);
  o.local.state_dir = (state.path() / "fleet").string();
  o.server.credentials = {"AKIDSTACKTEST", "stack-secret"};
  auto stack = EmulatorStack::Start(o, util::SystemClock::Get());
  ASSERT_OK(stack);
  EXPECT_GT((*stack)->port(), 0);
  auto key = connect::GenerateKeyPair("stack-test");
  ASSERT_OK(key);
  Emulator& emu = (*stack)->emulator();
  const std::string with_key = RunInstance(
      emu, {{"UserData", Base64("#cloud-config\nssh_authorized_keys:\n  - " + key->public_line + "\n")}});
  const std::string without = RunInstance(emu, {{"KeyName", "some-ec2-key-pair"}});
  const std::string ip_with = RunningAddress(emu, with_key);
  const std::string ip_without = RunningAddress(emu, without);
  ASSERT_FALSE(ip_with.empty());
  ASSERT_FALSE(ip_without.empty());

  connect::Endpoint e{ip_with, 22, "root", key->private_pem, "", std::chrono::milliseconds(5000)};
  auto conn = connect::DialSsh(e);
  ASSERT_OK(conn);
  std::string out;
  util::CancelToken never;
  auto rc = (*conn)->Exec("echo opened-by-user-data", "", [&](std::string_view s) { out.append(s); }, never);
  ASSERT_OK(rc);
  EXPECT_EQ(*rc, 0);
  EXPECT_EQ(out, "opened-by-user-data\n");
  conn->reset();

  e.host = ip_without;
  auto refused = connect::DialSsh(e);
  bool opened = false;
  if (refused.ok()) opened = (*refused)->Exec("true", "", [](std::string_view) {}, never).ok();
  EXPECT_FALSE(opened) << "an instance launched without user data keys must not open to any key";

  EXPECT_EQ((*stack)->Stop(), 2u);
  EXPECT_EQ((*stack)->Stop(), 0u);
  EXPECT_EQ(Shell("ip netns list").find("sr-" + o.local.fleet + "-"), std::string::npos) << Shell("ip netns list");
}

// cloud-init's `ssh_keys`: the instance presents the host key its user data gives it, the
// one the manager generated (cloud/aws/user_data.h), and is reached with no trust on first use.
TEST(EmulatorStackTest, InstancesPresentTheHostKeyOfTheirUserData) {
  testutil::TempDir state;
  StackOptions o;
  o.backend = "local";
  o.local.fleet = "eh" + std::to_string(getpid() % 100000);
  o.local.state_dir = (state.path() / "fleet").string();
  o.server.credentials = {"AKIDSTACKTEST", "stack-secret"};
  auto stack = EmulatorStack::Start(o, util::SystemClock::Get());
  ASSERT_OK(stack);
  auto key = connect::GenerateKeyPair("stack-test");
  auto host = connect::GenerateKeyPair("");
  ASSERT_OK(key);
  ASSERT_OK(host);
  auto user_data = cloud::aws::BuildUserData("root", key->public_line, "#!/bin/sh\necho user part\n",
                                             cloud::aws::HostKey{host->private_pem, host->public_line});
  ASSERT_OK(user_data);
  Emulator& emu = (*stack)->emulator();
  const std::string id = RunInstance(emu, {{"UserData", Base64(*user_data)}});
  const std::string ip = RunningAddress(emu, id);
  ASSERT_FALSE(ip.empty());

  connect::Endpoint e{ip, 22, "root", key->private_pem, "", std::chrono::milliseconds(5000)};
  e.host_key = host->public_line;
  auto conn = connect::DialSsh(e);
  ASSERT_OK(conn);
  std::string out;
  util::CancelToken never;
  ASSERT_OK((*conn)->Exec("echo reached", "", [&](std::string_view s) { out.append(s); }, never));
  EXPECT_EQ(out, "reached\n");
  conn->reset();

  auto other = connect::GenerateKeyPair("");
  ASSERT_OK(other);
  e.host_key = other->public_line;
  EXPECT_TRUE(connect::IsHostKeyMismatch(connect::DialSsh(e).status()));

  EXPECT_EQ((*stack)->Stop(), 1u);
  EXPECT_EQ(Shell("ip netns list").find("sr-" + o.local.fleet + "-"), std::string::npos) << Shell("ip netns list");
}

TEST(EmulatorStackTest, BadOptionsAreNamed) {
  StackOptions o;
  EXPECT_EQ(EmulatorStack::Start(o, util::SystemClock::Get()).status().code(), util::Status::Code::kInvalidArgument);
  o.server.credentials = {"AKIDSTACKTEST", "stack-secret"};
  o.backend = "cloud";
  EXPECT_EQ(EmulatorStack::Start(o, util::SystemClock::Get()).status().message(),
            "--backend must be memory or local, not 'cloud'");
  o.backend = "memory";
  o.faults = {"kind=capacity,count=x"};
  EXPECT_FALSE(EmulatorStack::Start(o, util::SystemClock::Get()).ok());
}

}  // namespace
}  // namespace ec2emulator::testing
