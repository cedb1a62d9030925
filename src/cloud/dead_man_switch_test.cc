// The dead-man switch's two halves run for real: the watcher script under /bin/sh with a
// short timeout and a marker file as its "power off", and the heartbeat command.
#include "cloud/dead_man_switch.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "util/testing/test_util.h"

namespace cloud {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Runs `script` with /bin/sh in its own process group; killed with it on destruction.
class Sh {
 public:
  explicit Sh(const std::string& path) {
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      execl("/bin/sh", "sh", path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
  }
  ~Sh() {
    if (pid_ <= 0) return;  // never signal -1 or a group of 1
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  // Its exit code if it ended within `limit`.
  std::optional<int> Exited(std::chrono::milliseconds limit) {
    if (pid_ <= 0) return std::nullopt;
    auto deadline = std::chrono::steady_clock::now() + limit;
    do {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      std::this_thread::sleep_for(50ms);
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
  }

 private:
  pid_t pid_ = -1;
};

int System(const std::string& cmd) { return std::system(cmd.c_str()); }

TEST(DeadManSwitchTest, HeartbeatCommandTouchesTheFileTheSessionNames) {
  testutil::TempDir dir;
  const std::string file = (dir.path() / "hb").string();
  EXPECT_NE(HeartbeatCommand().find(kDefaultHeartbeatFile), std::string::npos);
  ASSERT_EQ(System(std::string(kHeartbeatFileEnv) + "='" + file + "' sh -c '" + HeartbeatCommand() + "'"), 0);
  EXPECT_TRUE(fs::exists(file));
}

TEST(DeadManSwitchTest, IntervalIsAQuarterOfTheTimeoutWithinBounds) {
  EXPECT_EQ(HeartbeatInterval(std::chrono::minutes(30)), 60s);
  EXPECT_EQ(HeartbeatInterval(8s), 2s);
  EXPECT_EQ(HeartbeatInterval(2s), 1s);
}

// Heartbeats keep the instance up past the timeout; silence powers it off about one
// timeout after the last heartbeat, and only once.
TEST(DeadManSwitchTest, WatcherPowersOffOnlyAfterTheHeartbeatStops) {
  testutil::TempDir dir;
  WatcherOptions w;
  w.timeout = 2s;
  w.heartbeat_file = (dir.path() / "state" / "hb").string();  // the watcher makes the directory
  const std::string off = (dir.path() / "powered-off").string();
  w.power_off = "echo off >> '" + off + "'";
  const std::string script = (dir.path() / "watcher.sh").string();
  std::ofstream(script) << WatcherScript(w);
  Sh watcher(script);
  for (int i = 0; i < 50 && !fs::exists(w.heartbeat_file); ++i) std::this_thread::sleep_for(100ms);
  ASSERT_TRUE(fs::exists(w.heartbeat_file)) << "the watcher makes the heartbeat file at start";
  auto t0 = std::chrono::steady_clock::now();
  auto last_beat = t0;
  while (std::chrono::steady_clock::now() - t0 < 5s) {
    ASSERT_EQ(System(std::string(kHeartbeatFileEnv) + "='" + w.heartbeat_file + "' sh -c '" + HeartbeatCommand() + "'"), 0);
    last_beat = std::chrono::steady_clock::now();
    ASSERT_FALSE(fs::exists(off)) << "powered off despite heartbeats";
    std::this_thread::sleep_for(300ms);
  }
  auto code = watcher.Exited(8s);
  ASSERT_TRUE(code.has_value()) << "still watching 8 s after the last heartbeat";
  EXPECT_EQ(*code, 0);
  // Never before a full timeout, whatever the sub-second phase of the last heartbeat
  // (file times are read in whole seconds); 100 ms of slack for the file system's clock.
  auto took = std::chrono::steady_clock::now() - last_beat;
  EXPECT_GE(took, 1900ms);
  std::ifstream in(off);
  std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(all, "off\n");
}

// The timeout in the environment wins (how the systemd unit sets it); a watcher whose
// instance is gone by other means exits quietly.
TEST(DeadManSwitchTest, EnvironmentTimeoutAndQuietExitWhenRemovedOtherwise) {
  testutil::TempDir dir;
  WatcherOptions w;
  w.timeout = 3600s;
  w.heartbeat_file = (dir.path() / "hb").string();
  const std::string present = (dir.path() / "present").string();
  const std::string off = (dir.path() / "off").string();
  std::ofstream(present) << "";
  w.still_present = "[ -e '" + present + "' ]";
  w.power_off = "touch '" + off + "'";
  const std::string script = (dir.path() / "watcher.sh").string();
  std::ofstream(script) << WatcherScript(w);
  {
    setenv(kDeadManTimeoutEnv, "1", 1);
    Sh watcher(script);
    unsetenv(kDeadManTimeoutEnv);
    auto code = watcher.Exited(6s);
    ASSERT_TRUE(code.has_value());
    EXPECT_TRUE(fs::exists(off));
  }
  fs::remove(off);
  {
    Sh watcher(script);
    std::this_thread::sleep_for(500ms);
    fs::remove(present);
    auto code = watcher.Exited(12s);  // it checks every 10 s with a long timeout
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0);
    EXPECT_FALSE(fs::exists(off));
  }
}

}  // namespace
}  // namespace cloud
