#include "cloud/aws/engine_user_data.h"

#include <gtest/gtest.h>

#include <fstream>

#include "cloud/aws/dead_man_user_data.h"
#include "cloud/aws/user_data.h"
#include "cloud/local/host_command.h"
#include "connect/ssh/ssh_keys.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

// Debian's cloud-init (scripts/deps.sh) checks a cloud-config against its schema.
std::string CloudInitSchema(const std::string& doc) {
  testutil::TempDir dir;
  std::string file = (dir.path() / "user-data").string();
  { std::ofstream(file) << doc; }
  auto r = local::RunCommand({"cloud-init", "schema", "--config-file", file}, std::chrono::seconds(60));
  if (!r.ok()) return r.status().ToString();
  if (r->exit_code != 0 || r->output.find("Valid cloud-config") == std::string::npos)
    return "exit " + std::to_string(r->exit_code) + ": " + r->output;
  return "valid";
}

EngineOptions AllOptions() {
  EngineOptions e;
  for (const auto& [n, v] : std::vector<std::pair<std::string, std::string>>{
           {"engine-registry-mirror", "https://mirror.example"},
           {"engine-insecure-registry", "10.0.0.5:5000"},
           {"engine-label", "team=ci"},
           {"engine-storage-driver", "overlay2"},
           {"engine-opt", "log-driver=json-file"},
           {"engine-env", "HTTP_PROXY=http://proxy:3128"}}) {
    util::Status s = AddEngineOption(&e, n, v);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return e;
}

TEST(EngineUserDataTest, CloudConfigPassesCloudInitSchema) {
  auto plain = EngineCloudConfig(EngineOptions{}, "ubuntu");
  ASSERT_OK(plain);
  EXPECT_EQ(CloudInitSchema(*plain), "valid") << *plain;
  // No options: no daemon.json, no drop-in (the image's own configuration stays).
  EXPECT_EQ(plain->find("daemon.json"), std::string::npos) << *plain;
  EXPECT_EQ(plain->find(kEngineDropInPath), std::string::npos) << *plain;
  EXPECT_NE(plain->find("runcmd:\n  - [/usr/local/sbin/spotrunner-engine]\n"), std::string::npos) << *plain;

  auto full = EngineCloudConfig(AllOptions(), "admin");
  ASSERT_OK(full);
  EXPECT_EQ(CloudInitSchema(*full), "valid") << *full;
  EXPECT_NE(full->find("  - path: /etc/docker/daemon.json\n    permissions: '0644'\n    content: |\n      {\n"),
            std::string::npos) << *full;
  EXPECT_NE(full->find("        \"registry-mirrors\": [\n          \"https://mirror.example\"\n"), std::string::npos)
      << *full;
  EXPECT_NE(full->find("  - path: " + std::string(kEngineDropInPath) +
                       "\n    permissions: '0644'\n    content: |\n      [Service]\n"
                       "      Environment=\"HTTP_PROXY=http://proxy:3128\"\n"),
            std::string::npos) << *full;
}

// Every cloud-config the provider puts in one launch's user data, each part on its own.
TEST(EngineUserDataTest, EveryGeneratedPartPassesCloudInitSchema) {
  auto keys = BuildUserData("ubuntu", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey f", "");
  ASSERT_OK(keys);
  auto engine = EngineCloudConfig(AllOptions(), "ubuntu");
  ASSERT_OK(engine);
  auto dead_man = DeadManSwitchCloudConfig("ubuntu", std::chrono::seconds(1800));
  ASSERT_OK(dead_man);
  for (const std::string* doc : {&*keys, &*engine, &*dead_man}) EXPECT_EQ(CloudInitSchema(*doc), "valid") << *doc;
}

// The script is POSIX sh (dash runs it on Debian and Ubuntu): shellcheck finds nothing.
TEST(EngineUserDataTest, ScriptPassesShellcheck) {
  EngineOptions e;
  for (const std::string url : {"", "https://get.docker.com"}) {
    e.install_url = url;
    auto script = EngineScript(e, "ubuntu");
    ASSERT_OK(script);
    EXPECT_EQ(script->rfind("#!/bin/sh\n", 0), 0u);
    EXPECT_NE(script->find("install_url='" + url + "'\n"), std::string::npos) << *script;
    testutil::TempDir dir;
    std::string file = (dir.path() / "engine.sh").string();
    { std::ofstream(file) << *script; }
    auto r = local::RunCommand({"shellcheck", "--shell=sh", file}, std::chrono::seconds(60));
    ASSERT_OK(r);
    EXPECT_EQ(r->exit_code, 0) << r->output;
    auto syntax = local::RunCommand({"dash", "-n", file});
    ASSERT_OK(syntax);
    EXPECT_EQ(syntax->exit_code, 0) << syntax->output;
  }
  EXPECT_NE(EngineScript(e, "ubuntu")->find("install docker.io"), std::string::npos);
  EXPECT_NE(EngineScript(e, "ubuntu")->find("dnf -q -y install docker"), std::string::npos);
  EXPECT_NE(EngineScript(e, "ubuntu")->find("usermod -aG docker \"$user\""), std::string::npos);
}

// Everything the manager puts in one launch (keys, host key, the Engine with every kind of
// option, the dead-man switch) leaves most of EC2's 16 KB to the user's own user data.
TEST(EngineUserDataTest, OursLeavesRoomForTheUsersUserData) {
  auto host = connect::GenerateKeyPair("");
  ASSERT_OK(host);
  auto fleet = connect::GenerateKeyPair("spotrunner-fleet");
  ASSERT_OK(fleet);
  auto ud = BuildUserData("ubuntu", fleet->public_line, "", HostKey{host->private_pem, host->public_line});
  ASSERT_OK(ud);
  auto engine = EngineCloudConfig(AllOptions(), "ubuntu");
  ASSERT_OK(engine);
  ud = WithCloudConfigPart(*ud, *engine, "the Docker Engine");
  ASSERT_OK(ud);
  ud = WithDeadManSwitch(*ud, "ubuntu", std::chrono::seconds(1800));
  ASSERT_OK(ud);
  ::testing::Test::RecordProperty("user_data_bytes", static_cast<int>(ud->size()));
  EXPECT_LT(ud->size(), 8u * 1024) << ud->size();
}

TEST(EngineUserDataTest, RefusesWhatCannotBeQuoted) {
  EngineOptions e;
  EXPECT_EQ(EngineScript(e, "it's").status().code(), util::Status::Code::kInvalidArgument);
  e.install_url = "https://x/'; rm -rf /";
  EXPECT_EQ(EngineScript(e, "ubuntu").status().message(),
            "MachineOptions \"engine-install-url=https://x/'; rm -rf /\": the URL contains a quote or a line break");
}

// A user's own user data comes first; our part follows and appends its lists.
TEST(EngineUserDataTest, UsersPartStaysFirst) {
  auto engine = EngineCloudConfig(EngineOptions{}, "ubuntu");
  ASSERT_OK(engine);
  auto merged = WithCloudConfigPart("#!/bin/sh\necho mine\n", *engine, "the Docker Engine");
  ASSERT_OK(merged);
  size_t mine = merged->find("echo mine");
  size_t ours = merged->find(kEngineScriptPath);
  ASSERT_NE(mine, std::string::npos);
  ASSERT_NE(ours, std::string::npos);
  EXPECT_LT(mine, ours);
  EXPECT_NE(merged->find("Merge-Type: list(append)+dict(no_replace,recurse_list)+str()\n\n#cloud-config\n"),
            std::string::npos) << *merged;
  EXPECT_EQ(WithCloudConfigPart(std::string(16 * 1024, 'x'), *engine, "the Docker Engine").status().message().rfind(
                "aws user data is ", 0),
            0u);
}

}  // namespace
}  // namespace cloud::aws
