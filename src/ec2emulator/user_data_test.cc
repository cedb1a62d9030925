#include "ec2emulator/user_data.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cloud/aws/dead_man_user_data.h"
#include "cloud/aws/engine_user_data.h"
#include "cloud/aws/user_data.h"
#include "connect/ssh/ssh_keys.h"
#include "ec2emulator/test_support.h"
#include "util/testing/test_util.h"

namespace ec2emulator {
namespace {

using ::testing::ElementsAre;

TEST(UserDataTest, DecodesBase64AndRefusesWhatEc2Refuses) {
  auto plain = DecodeUserData("I2Nsb3VkLWNvbmZpZwo=");
  ASSERT_OK(plain);
  EXPECT_EQ(*plain, "#cloud-config\n");
  auto wrapped = DecodeUserData("I2Nsb3Vk\nLWNvbmZp Zwo=");
  ASSERT_OK(wrapped);
  EXPECT_EQ(*wrapped, "#cloud-config\n");
  EXPECT_EQ(DecodeUserData("I2Nsb3*k").status().message(), "Invalid BASE64 encoding of user data.");
  EXPECT_EQ(DecodeUserData("QQ=A").status().message(), "Invalid BASE64 encoding of user data.");
  EXPECT_EQ(DecodeUserData("QUFBQ").status().message(), "Invalid BASE64 encoding of user data.");
  std::string big(4 * (kMaxUserDataBytes / 3 + 2), 'Q');
  EXPECT_EQ(DecodeUserData(big).status().message(), "User data is limited to 16384 bytes");
}

TEST(UserDataTest, KeysOfCloudConfigAtTheTopAndUnderUsers) {
  const std::string doc =
      "#cloud-config\n"
      "users:\n"
      "  - default\n"
      "  - name: ubuntu\n"
      "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
      "    ssh_authorized_keys:\n"
      "      - ssh-ed25519 AAAAone fleet\n"
      "      - \"ssh-ed25519 AAAAtwo quoted\"\n"
      "    shell: /bin/bash\n"
      "ssh_authorized_keys:\n"
      "- ssh-ed25519 AAAAthree top\n"
      "- ssh-ed25519 AAAAone fleet\n"
      "runcmd:\n"
      "  - [echo, hi]\n";
  EXPECT_THAT(AuthorizedKeysOf(doc),
              ElementsAre("ssh-ed25519 AAAAone fleet", "ssh-ed25519 AAAAtwo quoted", "ssh-ed25519 AAAAthree top"));
  EXPECT_THAT(AuthorizedKeysOf("#cloud-config\nssh_authorized_keys: ['ssh-ed25519 AAAAa x', ssh-ed25519 AAAAb]\n"),
              ElementsAre("ssh-ed25519 AAAAa x", "ssh-ed25519 AAAAb"));
}

TEST(UserDataTest, NoKeysFromScriptsOrOtherDocuments) {
  EXPECT_TRUE(AuthorizedKeysOf("").empty());
  EXPECT_TRUE(AuthorizedKeysOf("#!/bin/sh\necho 'ssh_authorized_keys:\n - ssh-ed25519 AAAAx'\n").empty());
  EXPECT_TRUE(AuthorizedKeysOf("#cloud-config\npackages:\n  - curl\n").empty());
}

TEST(UserDataTest, KeysOfCloudConfigPartsOfAMultipartArchive) {
  const std::string mime =
      "Content-Type: multipart/mixed; boundary=\"==Bound4ry==\"\r\n"
      "MIME-Version: 1.0\r\n"
      "\r\n"
      "--==Bound4ry==\r\n"
      "Content-Type: text/x-shellscript; charset=\"us-ascii\"\r\n"
      "\r\n"
      "#!/bin/sh\n"
      "echo ssh_authorized_keys: - ssh-ed25519 AAAAnot\n"
      "--==Bound4ry==\r\n"
      "Content-Type: text/cloud-config; charset=\"us-ascii\"\r\n"
      "Merge-Type: list(append)+dict(no_replace,recurse_list)+str()\r\n"
      "\r\n"
      "#cloud-config\n"
      "users:\n"
      "  - name: root\n"
      "    ssh_authorized_keys:\n"
      "      - ssh-ed25519 AAAAmime fleet\n"
      "--==Bound4ry==--\r\n";
  EXPECT_THAT(AuthorizedKeysOf(mime), ElementsAre("ssh-ed25519 AAAAmime fleet"));
}

TEST(UserDataTest, RunInstancesKeepsUserDataAndRefusesBadBase64) {
  testing::Harness h;
  testing::Answer bad = h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"},
                                               {"MinCount", "1"},
                                               {"MaxCount", "1"},
                                               {"UserData", "not*base64"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.ErrorCode(), "InvalidParameterValue");
  EXPECT_NE(bad.body.find("Invalid BASE64 encoding of user data."), std::string::npos) << bad.body;

  // "#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 AAAAk t\n"
  const std::string ud = "I2Nsb3VkLWNvbmZpZwpzc2hfYXV0aG9yaXplZF9rZXlzOgogIC0gc3NoLWVkMjU1MTkgQUFBQWsgdAo=";
  testing::Answer ok = h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"},
                                              {"MinCount", "1"},
                                              {"MaxCount", "1"},
                                              {"UserData", ud}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string id = ok.Text("instancesSet/item/instanceId");
  EXPECT_EQ(h.emulator.InstancesJson()[0]["user_data_keys"], 1);
  std::vector<BackendWork> work = h.emulator.Tick();
  ASSERT_EQ(work.size(), 1u);
  EXPECT_THAT(work[0].launch.authorized_keys, ElementsAre("ssh-ed25519 AAAAk t"));
  h.emulator.OnLaunched(id, LaunchedInstance{id, "10.0.1.10"});
  HttpReply token = h.emulator.Imds(id, "PUT", "/latest/api/token", "", "60", false);
  ASSERT_EQ(token.status, 200);
  HttpReply got = h.emulator.Imds(id, "GET", "/latest/user-data", token.body, "", false);
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "#cloud-config\nssh_authorized_keys:\n  - ssh-ed25519 AAAAk t\n");
}

// The host key of cloud-init's `ssh_keys`, as the manager writes it (cloud/aws/user_data.h),
// also inside the multipart archive that merges a user's own user data.
TEST(UserDataTest, HostKeyOfSshKeys) {
  auto host = connect::GenerateKeyPair("");
  ASSERT_OK(host);
  cloud::aws::HostKey hk{host->private_pem, host->public_line};
  for (const std::string& user_part : {std::string(), std::string("#!/bin/sh\necho hi\n")}) {
    auto ud = cloud::aws::BuildUserData("root", "ssh-ed25519 AAAAfleet f", user_part, hk);
    ASSERT_OK(ud);
    auto got = HostKeyOf(*ud);
    ASSERT_OK(got);
    EXPECT_EQ(got->private_pem, host->private_pem) << *ud;
    EXPECT_EQ(got->public_line, host->public_line);
    EXPECT_THAT(AuthorizedKeysOf(*ud), ElementsAre("ssh-ed25519 AAAAfleet f"));
  }
  auto none = HostKeyOf("#cloud-config\nusers: [default]\n");
  ASSERT_OK(none);
  EXPECT_EQ(none->private_pem, "");
  EXPECT_EQ(HostKeyOf("#cloud-config\nssh_keys:\n  ed25519_public: ssh-ed25519 AAAA\n").status().code(),
            util::Status::Code::kInvalidArgument);
}

// The launch user data of a docker+machine runner (the user's part, keys, the Engine with
// engine-* options, the dead-man switch) gives an instance an Engine configured as asked.
TEST(UserDataTest, EngineOfTheManagersUserData) {
  cloud::EngineOptions e;
  ASSERT_OK(cloud::AddEngineOption(&e, "engine-registry-mirror", "http://10.254.254.1:5000"));
  ASSERT_OK(cloud::AddEngineOption(&e, "engine-insecure-registry", "10.254.254.1:5000"));
  ASSERT_OK(cloud::AddEngineOption(&e, "engine-env", "HTTP_PROXY=http://proxy:3128/%x \"q\""));
  ASSERT_OK(cloud::AddEngineOption(&e, "engine-env", "NO_PROXY=localhost"));
  auto user = cloud::aws::BuildUserData("ubuntu", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB9tOYSbrUePDK0 k",
                                        "#!/bin/sh\necho the user's own part\n");
  ASSERT_OK(user);
  auto engine_part = cloud::aws::EngineCloudConfig(e, "ubuntu");
  ASSERT_OK(engine_part);
  auto with_engine = cloud::aws::WithCloudConfigPart(*user, *engine_part, "the Docker Engine");
  ASSERT_OK(with_engine);
  auto full = cloud::aws::WithDeadManSwitch(*with_engine, "ubuntu", std::chrono::minutes(30));
  ASSERT_OK(full);
  auto engine = EngineOf(*full);
  ASSERT_TRUE(engine.has_value()) << *full;
  EXPECT_EQ(engine->daemon_json, *cloud::DaemonJson(e));
  EXPECT_THAT(engine->env, ElementsAre("HTTP_PROXY=http://proxy:3128/%x \"q\"", "NO_PROXY=localhost"));
  // Without the Engine's part: keys and the dead-man switch install no Engine.
  auto without = cloud::aws::WithDeadManSwitch(*user, "ubuntu", std::chrono::minutes(30));
  ASSERT_OK(without);
  EXPECT_FALSE(EngineOf(*without).has_value()) << *without;
  // Nothing in the options: an Engine with its defaults.
  auto plain = cloud::aws::EngineCloudConfig(cloud::EngineOptions{}, "ubuntu");
  ASSERT_OK(plain);
  ASSERT_TRUE(EngineOf(*plain).has_value());
  EXPECT_EQ(EngineOf(*plain)->daemon_json, "");
}

TEST(UserDataTest, EngineOfHandWrittenUserData) {
  EXPECT_TRUE(EngineOf("#cloud-config\npackages:\n  - git\n  - docker.io\n").has_value());
  EXPECT_TRUE(EngineOf("#cloud-config\npackages: [curl, docker]\n").has_value());
  EXPECT_TRUE(EngineOf("#!/bin/bash\ncurl -fsSL https://get.docker.com | sh\n").has_value());
  EXPECT_TRUE(EngineOf("#!/bin/sh\ndnf install -y docker && systemctl enable --now docker\n").has_value());
  EXPECT_FALSE(EngineOf("#cloud-config\npackages:\n  - docker-compose\n").has_value());
  EXPECT_FALSE(EngineOf("#!/bin/sh\napt-get install -y docker-compose\n").has_value());
  EXPECT_FALSE(EngineOf("#!/bin/sh\necho docker is not here\n").has_value());
  auto written = EngineOf(
      "#cloud-config\npackages:\n  - docker.io\nwrite_files:\n  - path: /etc/motd\n    content: hello\n"
      "  - content: |\n      {\"storage-driver\": \"vfs\",\n\n       \"debug\": true}\n    path: /etc/docker/daemon.json\n");
  ASSERT_TRUE(written.has_value());
  EXPECT_EQ(written->daemon_json, "{\"storage-driver\": \"vfs\",\n\n \"debug\": true}\n");
}

}  // namespace
}  // namespace ec2emulator
