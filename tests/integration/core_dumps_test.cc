// Core dumps are off in every spotrunner process (util/core_dumps.h) unless the debug
// switch SPOTRUNNER_ALLOW_CORE_DUMPS says otherwise. The real binary, as started by an
// operator or a service manager.
#include <sys/resource.h>

#include <regex>
#include <string>

#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using namespace std::chrono_literals;

const std::string kBinary = std::string(SR_BINARY_DIR) + "/spotrunner";

std::string Limit(rlim_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

TEST(CoreDumpsTest, OffByDefault) {
  struct rlimit mine {};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &mine), 0);
  std::string out = Sh("env -u SPOTRUNNER_ALLOW_CORE_DUMPS " + kBinary + " helper process-status");
  EXPECT_EQ(out, "dumpable=0 core_soft=0 core_hard=" + Limit(mine.rlim_max) + "\n");
}

TEST(CoreDumpsTest, DebugSwitchLeavesThemOn) {
  struct rlimit mine {};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &mine), 0);
  std::string out = Sh("SPOTRUNNER_ALLOW_CORE_DUMPS=1 " + kBinary + " helper process-status");
  EXPECT_EQ(out, "dumpable=1 core_soft=" + Limit(mine.rlim_cur) + " core_hard=" + Limit(mine.rlim_max) + "\n");
}

// The long-running manager: its limits as the kernel shows them to others.
TEST(CoreDumpsTest, RunningManagerHasNoCoreLimit) {
  // Start it with core dumps allowed, so a limit of 0 is the manager's own doing.
  struct rlimit saved {};
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &saved), 0);
  struct rlimit open_limit = {RLIM_INFINITY, RLIM_INFINITY};
  ASSERT_EQ(setrlimit(RLIMIT_CORE, &open_limit), 0) << "needs root to raise RLIMIT_CORE";
  struct Restore {
    rlimit r;
    ~Restore() { setrlimit(RLIMIT_CORE, &r); }
  } restore{saved};
  RunnerHarness h("shell");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  const std::string log = (h.dir() / "run.log").string();
  RunnerProcess p(h.config_path(), h.dir().string(), log);
  // Once it has written its first log line, main() has run past the switch-off.
  ASSERT_TRUE(WaitUntil([&] { return !testutil::ReadFile(log).empty(); }, 10s));
  const std::string pid = std::to_string(p.pid());
  std::string limits = Sh("cat /proc/" + pid + "/limits");
  EXPECT_TRUE(std::regex_search(limits, std::regex("Max core file size +0 +"))) << limits;
  p.Signal(SIGQUIT);
  EXPECT_TRUE(p.WaitExit(20s).has_value()) << testutil::ReadFile(log);
}

}  // namespace
}  // namespace itest
