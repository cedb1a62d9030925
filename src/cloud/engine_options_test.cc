#include "cloud/engine_options.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cloud/local/host_command.h"
#include "util/testing/test_util.h"

namespace cloud {
namespace {

EngineOptions Parse(const std::vector<std::pair<std::string, std::string>>& entries) {
  EngineOptions e;
  for (const auto& [name, value] : entries) {
    util::Status s = AddEngineOption(&e, name, value);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  return e;
}

TEST(EngineOptionsTest, KnowsDockerMachinesEngineFlags) {
  for (const char* n : {"engine-install-url", "engine-opt", "engine-insecure-registry", "engine-registry-mirror",
                        "engine-label", "engine-storage-driver", "engine-env"})
    EXPECT_TRUE(IsEngineOption(n)) << n;
  EXPECT_FALSE(IsEngineOption("engine-flag"));  // docker-machine 0.1's name, gone since
  EXPECT_FALSE(IsEngineOption("swarm-master"));
}

// docker+machine's flags become daemon.json keys: repeatable flags are lists, typed
// flags keep their type, and the same list from two options is merged.
TEST(EngineOptionsTest, DaemonJsonCarriesEveryOption) {
  EngineOptions e = Parse({{"engine-registry-mirror", "https://mirror.example"},
                           {"engine-registry-mirror", "https://mirror2.example"},
                           {"engine-insecure-registry", "10.0.0.5:5000"},
                           {"engine-label", "team=ci"},
                           {"engine-storage-driver", "overlay2"},
                           {"engine-opt", "log-driver=json-file"},
                           {"engine-opt", "log-opt=max-size=10m"},
                           {"engine-opt", "--dns=1.1.1.1"},
                           {"engine-opt", "label=spot=yes"},
                           {"engine-opt", "mtu=1450"},
                           {"engine-opt", "live-restore"},
                           {"engine-opt", "ipv6=false"}});
  auto j = DaemonJson(e);
  ASSERT_OK(j);
  EXPECT_EQ(*j,
            "{\n"
            "  \"dns\": [\n    \"1.1.1.1\"\n  ],\n"
            "  \"insecure-registries\": [\n    \"10.0.0.5:5000\"\n  ],\n"
            "  \"ipv6\": false,\n"
            "  \"labels\": [\n    \"team=ci\",\n    \"spot=yes\"\n  ],\n"
            "  \"live-restore\": true,\n"
            "  \"log-driver\": \"json-file\",\n"
            "  \"log-opts\": {\n    \"max-size\": \"10m\"\n  },\n"
            "  \"mtu\": 1450,\n"
            "  \"registry-mirrors\": [\n    \"https://mirror.example\",\n    \"https://mirror2.example\"\n  ],\n"
            "  \"storage-driver\": \"overlay2\"\n"
            "}\n");
  auto none = DaemonJson(EngineOptions{});
  ASSERT_OK(none);
  EXPECT_EQ(*none, "");  // nothing asked: the image's own configuration stays
}

TEST(EngineOptionsTest, BadValuesNameTheEntry) {
  EngineOptions e;
  EXPECT_EQ(AddEngineOption(&e, "engine-env", "no equals").message(),
            "MachineOptions \"engine-env=no equals\": expected NAME=value with NAME made of letters, digits and _");
  EXPECT_EQ(AddEngineOption(&e, "engine-opt", "host=tcp://0.0.0.0:2376").message(),
            "MachineOptions \"engine-opt=host=tcp://0.0.0.0:2376\": dockerd flag host is not taken: the Engine listens "
            "where its unit says (the manager reaches /var/run/docker.sock through SSH)");
  EXPECT_EQ(AddEngineOption(&e, "engine-opt", "=x").message(),
            "MachineOptions \"engine-opt==x\": expected flag=value (a dockerd flag without its dashes)");
  EXPECT_EQ(AddEngineOption(&e, "engine-install-url", "get.docker.com").message(),
            "MachineOptions \"engine-install-url=get.docker.com\": expected an http(s) URL of an install script");
  EXPECT_EQ(AddEngineOption(&e, "engine-label", "novalue").message(),
            "MachineOptions \"engine-label=novalue\": expected key=value");

  EXPECT_EQ(DaemonJson(Parse({{"engine-opt", "mtu=big"}})).status().message(),
            "MachineOptions \"engine-opt=mtu=big\": expected a whole number");
  EXPECT_EQ(DaemonJson(Parse({{"engine-opt", "debug=maybe"}})).status().message(),
            "MachineOptions \"engine-opt=debug=maybe\": expected true or false");
  EXPECT_EQ(DaemonJson(Parse({{"engine-storage-driver", "overlay2"}, {"engine-opt", "storage-driver=vfs"}}))
                .status()
                .message(),
            "MachineOptions \"engine-opt=storage-driver=vfs\": daemon option storage-driver is already set to "
            "\"overlay2\"");
}

// engine-env becomes a docker.service drop-in; systemd's own checker reads it with a
// stand-in docker.service beside it.
TEST(EngineOptionsTest, EnvDropInPassesSystemdAnalyzeVerify) {
  EngineOptions e = Parse({{"engine-env", "HTTP_PROXY=http://proxy:3128"},
                           {"engine-env", "NO_PROXY=localhost,169.254.169.254"},
                           {"engine-env", "ODD=a \"quoted\" 100% \\ value"}});
  std::string dropin = EnvDropIn(e);
  EXPECT_EQ(dropin,
            "[Service]\n"
            "Environment=\"HTTP_PROXY=http://proxy:3128\"\n"
            "Environment=\"NO_PROXY=localhost,169.254.169.254\"\n"
            "Environment=\"ODD=a \\\"quoted\\\" 100%% \\\\ value\"\n");
  EXPECT_EQ(EnvDropIn(EngineOptions{}), "");

  testutil::TempDir dir;
  auto verify = [&](const std::string& text) -> std::string {
    std::filesystem::create_directories(dir.path() / "docker.service.d");
    std::ofstream(dir.path() / "docker.service") << "[Unit]\nDescription=stand-in\n[Service]\nExecStart=/bin/true\n";
    std::ofstream(dir.path() / "docker.service.d" / "spotrunner-engine-env.conf") << text;
    auto r = local::RunCommand({"systemd-analyze", "verify", (dir.path() / "docker.service").string()},
                               std::chrono::seconds(60));
    EXPECT_OK(r);
    if (!r.ok()) return "could not run systemd-analyze";
    return r->exit_code == 0 ? r->output : "exit " + std::to_string(r->exit_code) + ": " + r->output;
  };
  EXPECT_EQ(verify(dropin), "");
  // The drop-in is really read: one systemd dislikes is reported.
  EXPECT_NE(verify("[Service]\nEnvironmentt=X=1\n"), "");
}

}  // namespace
}  // namespace cloud
