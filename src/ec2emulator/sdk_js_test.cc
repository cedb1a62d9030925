// Drives the emulator over HTTP with the AWS SDK for JavaScript (js/sdk_wire_test.mjs):
// an independent SigV4 signer and XML parser agree with the emulator's wire format.
// Needs node and the npm packages scripts/npm_deps.sh installs; fails when they are absent.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include "ec2emulator/runtime.h"
#include "ec2emulator/server.h"
#include "util/testing/test_util.h"

namespace ec2emulator {
namespace {

int RunCommand(const std::string& cmd, std::string* output) {
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return -1;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) output->append(buf.data(), n);
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SdkJsTest, AwsSdkForJavaScriptAgreesWithTheWireFormat) {
  const std::filesystem::path root = SR_SOURCE_DIR;
  std::string out;
  ASSERT_EQ(RunCommand("command -v node", &out), 0) << "node is not installed (the machine's Node.js is required)";
  for (const char* pkg : {"@aws-sdk/client-ec2", "@aws-sdk/client-auto-scaling"}) {
    ASSERT_TRUE(std::filesystem::exists(root / "node_modules" / pkg / "package.json"))
        << pkg << " is missing from node_modules: run scripts/npm_deps.sh";
  }
  EmulatorOptions o;
  o.boot_time = std::chrono::milliseconds(200);
  o.time_factor = 0.01;
  Emulator emulator(util::SystemClock::Get(), o);
  MemoryBackend backend;
  Runtime runtime(emulator, backend);
  runtime.Start(std::chrono::milliseconds(20));
  ServerOptions so;
  so.credentials = {"AKIAEMULATOREXAMPLE", "emulator/secret+key"};
  so.admin_token = "admin-token";
  Server server(emulator, util::SystemClock::Get(), so);
  auto port = server.Start("127.0.0.1", 0);
  ASSERT_OK(port);
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(*port);
  std::string log;
  const int rc = RunCommand("timeout 120 node " + (root / "src/ec2emulator/js/sdk_wire_test.mjs").string() + " " +
                                endpoint + " AKIAEMULATOREXAMPLE 'emulator/secret+key' admin-token 2>&1",
                            &log);
  server.Stop();
  runtime.Shutdown();
  EXPECT_EQ(rc, 0) << log;
  EXPECT_NE(log.find("sdk wire test: all passed"), std::string::npos) << log;
  EXPECT_TRUE(emulator.LiveBackends().empty());
}

}  // namespace
}  // namespace ec2emulator
