#include "executor/shell/shell_executor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "util/testing/test_util.h"

namespace executor {
namespace {

class CollectSink : public OutputSink {
 public:
  void Write(std::string_view b) override {
    std::lock_guard<std::mutex> l(mu_);
    text_.append(b);
    ++writes_;
  }
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
  int writes_ = 0;
};

RunRequest Req(std::string script) {
  RunRequest r;
  r.stage = "step_script";
  r.script = std::move(script);
  return r;
}

// True when `pid` exists and is not a zombie (an orphan may wait a while for init to
// reap it, and kill(pid, 0) still succeeds on a zombie).
bool Alive(pid_t pid) {
  std::string stat = testutil::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

// The live (non-zombie) processes of process group `pg`.
int LiveInGroup(int pg) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = testutil::ReadFile(e.path() / "stat");
    size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) continue;
    char state = 0;
    int ppid = 0, pgrp = 0;
    if (std::sscanf(stat.c_str() + paren + 2, "%c %d %d", &state, &ppid, &pgrp) == 3 && pgrp == pg &&
        state != 'Z') {
      ++n;
    }
  }
  return n;
}

class ShellExecutorTest : public ::testing::Test {
 protected:
  testutil::TempDir tmp_;
  config::RunnerConfig cfg_;
};

TEST_F(ShellExecutorTest, Basics) {
  ShellExecutor e(cfg_, tmp_.path().string());
  EXPECT_EQ(e.Name(), "shell");
  EXPECT_EQ(e.Shell(), "bash");
  EXPECT_EQ(e.BuildsRoot(), tmp_.path().string() + "/builds");
  EXPECT_TRUE(e.SharedEnvironment());
  cfg_.shell = "sh";
  cfg_.builds_dir = "/srv/builds";
  ShellExecutor s(cfg_, tmp_.path().string());
  EXPECT_EQ(s.Shell(), "sh");
  EXPECT_EQ(s.BuildsRoot(), "/srv/builds");
}

TEST_F(ShellExecutorTest, ExitCodeAndMergedOutput) {
  ShellExecutor e(cfg_, tmp_.path().string());
  CollectSink out;
  util::CancelToken cancel;
  ASSERT_TRUE(e.Prepare({}, out, cancel).ok());
  auto r = e.Run(Req("echo out; echo err >&2; pwd; exit 7"), out, cancel);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(out.text(), "Using Shell (bash) executor...\nout\nerr\n" + tmp_.path().string() + "\n");
  e.Cleanup();
}

TEST_F(ShellExecutorTest, CleanEnvironment) {
  setenv("SR_RUNNER_SECRET_FOR_TEST", "leak", 1);
  ShellExecutor e(cfg_, tmp_.path().string());
  CollectSink out;
  util::CancelToken cancel;
  auto r = e.Run(Req("env | sort; [ -z \"$SR_RUNNER_SECRET_FOR_TEST\" ]"), out, cancel);
  unsetenv("SR_RUNNER_SECRET_FOR_TEST");
  ASSERT_OK(r);
  EXPECT_EQ(*r, 0) << out.text();
  EXPECT_NE(out.text().find("PATH="), std::string::npos);
  EXPECT_EQ(out.text().find("leak"), std::string::npos);
}

TEST_F(ShellExecutorTest, ScriptFileIsPrivateAndRemoved) {
  ShellExecutor e(cfg_, tmp_.path().string());
  CollectSink out;
  util::CancelToken cancel;
  auto r = e.Run(Req("stat -c '%a' \"$0\"; stat -c '%a' \"$(dirname \"$0\")\"; echo \"$0\""), out, cancel);
  ASSERT_OK(r);
  std::string text = out.text();
  EXPECT_EQ(text.substr(0, 8), "700\n700\n");
  std::string script = text.substr(8, text.size() - 9);
  EXPECT_FALSE(std::filesystem::exists(script));
  std::string dir = std::filesystem::path(script).parent_path().string();
  EXPECT_TRUE(std::filesystem::exists(dir));
  e.Cleanup();
  EXPECT_FALSE(std::filesystem::exists(dir));
}

TEST_F(ShellExecutorTest, OutputStreamsAsItComes) {
  ShellExecutor e(cfg_, tmp_.path().string());
  CollectSink out;
  util::CancelToken cancel;
  std::thread t([&] {
    auto r = e.Run(Req("echo early; sleep 2; echo late"), out, cancel);
    EXPECT_OK(r);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (out.text().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(out.text(), "early\n");
  t.join();
  EXPECT_EQ(out.text(), "early\nlate\n");
}

TEST_F(ShellExecutorTest, CancelKillsTheWholeGroup) {
  ShellExecutor e(cfg_, tmp_.path().string());
  e.set_kill_grace(std::chrono::milliseconds(300));
  CollectSink out;
  util::CancelToken cancel;
  util::Result<int> result = util::Status::Internal("not run");
  std::thread t([&] {
    // The shell ignores SIGTERM: SIGKILL after the grace period must end it.
    result = e.Run(Req("trap '' TERM; sleep 300 & echo child=$! pg=$$; sh -c 'sleep 300; echo' & wait"), out, cancel);
  });
  pid_t child = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string s = out.text();
    size_t p = s.find("child=");
    if (p != std::string::npos && s.find('\n', p) != std::string::npos) {
      child = static_cast<pid_t>(std::atoi(s.c_str() + p + 6));
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(child, 0);
  EXPECT_TRUE(Alive(child));
  auto start = std::chrono::steady_clock::now();
  cancel.Cancel("job canceled");
  t.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(result.status().code(), util::Status::Code::kCancelled);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(Alive(child));
  // Nothing is left in the script's process group (the grandchild `sleep` included).
  std::string s = out.text();
  int pg = std::atoi(s.c_str() + s.find("pg=") + 3);
  ASSERT_GT(pg, 0);
  EXPECT_EQ(LiveInGroup(pg), 0);
}

TEST_F(ShellExecutorTest, LeftoverBackgroundProcessesDoNotBlock) {
  ShellExecutor e(cfg_, tmp_.path().string());
  CollectSink out;
  util::CancelToken cancel;
  auto start = std::chrono::steady_clock::now();
  auto r = e.Run(Req("sleep 300 & echo bg=$!; exit 0"), out, cancel);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  pid_t bg = static_cast<pid_t>(std::atoi(out.text().c_str() + 3));
  ASSERT_GT(bg, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(Alive(bg));
}

TEST_F(ShellExecutorTest, TimeoutViaCancelWhenOutputClosed) {
  ShellExecutor e(cfg_, tmp_.path().string());
  e.set_kill_grace(std::chrono::milliseconds(200));
  CollectSink out;
  util::CancelToken cancel;
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    cancel.Cancel("execution took longer than 0.3 seconds");
  });
  auto start = std::chrono::steady_clock::now();
  auto r = e.Run(Req("exec >/dev/null 2>&1; sleep 300"), out, cancel);
  timer.join();
  EXPECT_EQ(r.status().code(), util::Status::Code::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(ShellExecutorTest, KilledBySignal) {
  ShellExecutor e(cfg_, tmp_.path().string());
  CollectSink out;
  util::CancelToken cancel;
  auto r = e.Run(Req("kill -KILL $$"), out, cancel);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 128 + 9);
}

TEST(FindInPathTest, Finds) {
  EXPECT_NE(FindInPath("sh", "/nonexistent:/usr/bin:/bin"), "");
  EXPECT_EQ(FindInPath("no-such-binary-here", "/usr/bin"), "");
}

// `run --user`: the script runs as that user (nobody here: every Debian has it), in a login
// shell, with its identity in the environment and none of the manager's; it cannot read a
// root-only config.toml, and the builds dir is made for it.
TEST_F(ShellExecutorTest, JobUserRunsTheScriptWithoutTheManagersSecrets) {
  ASSERT_EQ(geteuid(), 0u) << "switching users needs root, as the other executor tests do";
  std::filesystem::permissions(tmp_.path(), std::filesystem::perms(0755));
  const std::string config = (tmp_.path() / "config.toml").string();
  std::ofstream(config) << "token = \"glrt-secret\"\n";
  std::filesystem::permissions(config, std::filesystem::perms(0600));
  setenv("SR_MANAGER_SECRET", "cloud-key-in-the-managers-environment", 1);
  ShellExecutor e(cfg_, tmp_.path().string(), "nobody");
  CollectSink out;
  util::CancelToken never;
  ASSERT_OK(e.Prepare({}, out, never));
  auto code = e.Run(Req("id -un; echo \"home=$HOME user=$USER\"; shopt -q login_shell && echo login;\n"
                        "env | grep -c SR_MANAGER_SECRET; cat " + config + " || echo unreadable;\n"
                        "touch \"" + e.BuildsRoot() + "/mine\" && echo wrote\n"),
                    out, never);
  unsetenv("SR_MANAGER_SECRET");
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0) << out.text();
  const std::string text = out.text();
  EXPECT_NE(text.find("nobody\n"), std::string::npos) << text;
  EXPECT_NE(text.find("user=nobody"), std::string::npos) << text;
  EXPECT_NE(text.find("\nlogin\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n0\n"), std::string::npos) << "the manager's environment reached the job: " << text;
  EXPECT_EQ(text.find("glrt-secret"), std::string::npos) << text;
  EXPECT_NE(text.find("unreadable"), std::string::npos) << text;
  EXPECT_NE(text.find("wrote"), std::string::npos) << text;
  struct stat st{};
  ASSERT_EQ(::stat((e.BuildsRoot() + "/mine").c_str(), &st), 0);
  EXPECT_NE(st.st_uid, 0u);
}

TEST_F(ShellExecutorTest, UnknownJobUserIsNamed) {
  ShellExecutor e(cfg_, tmp_.path().string(), "no-such-user-here");
  CollectSink out;
  util::CancelToken never;
  util::Status s = e.Prepare({}, out, never);
  EXPECT_EQ(s.code(), util::Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("job user \"no-such-user-here\" (run --user, or user in config.toml) does not exist"),
            std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace executor
