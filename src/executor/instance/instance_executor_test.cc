// InstanceExecutor over a Connection that runs commands on this host (real processes),
// and the docker ConnectionDialer over the same seam.
#include "executor/instance/instance_executor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "executor/docker/connection_dialer.h"
#include "executor/instance/local_test_connection.h"
#include "util/testing/test_util.h"

namespace executor {
namespace {

class Sink final : public OutputSink {
 public:
  void Write(std::string_view b) override {
    std::lock_guard<std::mutex> l(mu_);
    text_.append(b);
  }
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

class InstanceExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override { conn_ = std::make_shared<testing::LocalTestConnection>(); }
  std::unique_ptr<InstanceExecutor> Open(config::RunnerConfig cfg = {}) {
    auto e = InstanceExecutor::Open(cfg, conn_);
    EXPECT_OK(e);
    return e.ok() ? std::move(*e) : nullptr;
  }
  std::shared_ptr<testing::LocalTestConnection> conn_;
};

TEST_F(InstanceExecutorTest, ProbesShellBuildsDirAndTempDir) {
  auto e = Open();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->Name(), "instance");
  EXPECT_EQ(e->Shell(), "bash");
  const char* home = getenv("HOME");
  EXPECT_EQ(e->BuildsRoot(), std::string(home ? home : "/root") + "/builds");
  EXPECT_TRUE(e->SharedEnvironment());
  std::string dir = e->temp_dir();
  EXPECT_TRUE(std::filesystem::is_directory(dir)) << dir;
  e->Cleanup();
  EXPECT_FALSE(std::filesystem::exists(dir));
  config::RunnerConfig sh;
  sh.shell = "sh";
  sh.builds_dir = "/srv/builds";
  auto e2 = Open(sh);
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->Shell(), "sh");
  EXPECT_EQ(e2->BuildsRoot(), "/srv/builds");
}

TEST_F(InstanceExecutorTest, RunsScriptWithExitCodeOutputAndNoStdin) {
  auto e = Open();
  ASSERT_TRUE(e);
  Sink out;
  util::CancelToken c;
  ASSERT_OK(e->Prepare({}, out, c));
  EXPECT_NE(out.text().find("Using Shell (bash) executor on the instance"), std::string::npos);
  auto r = e->Run({"step_script", true, "echo \"it's $BASH_VERSION\" | head -c 4; echo; echo err >&2; read x || echo no-stdin; exit 7\n"},
                  out, c);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 7);
  EXPECT_NE(out.text().find("it's\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("err\n"), std::string::npos) << out.text();
  EXPECT_NE(out.text().find("no-stdin"), std::string::npos) << out.text();
  // The script file is removed after the stage.
  size_t files = 0;
  for (auto& f : std::filesystem::directory_iterator(e->temp_dir())) files += f.exists();
  EXPECT_EQ(files, 0u);
}

TEST_F(InstanceExecutorTest, LeftoverBackgroundProcessIsKilled) {
  auto e = Open();
  ASSERT_TRUE(e);
  testutil::TempDir tmp;
  std::string marker = (tmp.path() / "pid").string();
  Sink out;
  util::CancelToken c;
  auto r = e->Run({"step_script", true, "sleep 300 & echo $! > " + marker + "\necho started\n"}, out, c);
  ASSERT_OK(r);
  EXPECT_EQ(*r, 0);
  pid_t pid = std::stoi(testutil::ReadFile(marker));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = kill(pid, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "background sleep " << pid << " survived the stage";
}

TEST_F(InstanceExecutorTest, CancelKillsTheRemoteSession) {
  auto e = Open();
  ASSERT_TRUE(e);
  e->set_kill_grace(std::chrono::milliseconds(300));
  testutil::TempDir tmp;
  std::string marker = (tmp.path() / "pid").string();
  Sink out;
  util::CancelToken c;
  std::thread canceller([&] {
    for (int i = 0; i < 200 && !std::filesystem::exists(marker); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    c.Cancel("job canceled");
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = e->Run({"step_script", true, "trap '' TERM; sleep 300 & echo $! > " + marker + "; wait\n"}, out, c);
  canceller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), util::Status::Code::kCancelled) << r.status().ToString();
  pid_t pid = std::stoi(testutil::ReadFile(marker));
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = kill(pid, 0) != 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone);
}

TEST_F(InstanceExecutorTest, BrokenConnectionIsUnavailable) {
  auto e = Open();
  ASSERT_TRUE(e);
  std::string dir = e->temp_dir();
  conn_->Break();
  Sink out;
  util::CancelToken c;
  auto r = e->Run({"step_script", true, "echo hi\n"}, out, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(r.status().message(), "uploading the step_script script: connection to the instance is broken");
  e->Cleanup();  // best effort; the dir stays on the unreachable instance
  std::filesystem::remove_all(dir);
  auto probe = InstanceExecutor::Open({}, conn_);
  EXPECT_EQ(probe.status().code(), util::Status::Code::kUnavailable);
}

TEST(ShellQuoteTest, QuotesSingleQuotes) {
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
}

TEST(ConnectionDialerTest, SocketPathAndDial) {
  EXPECT_EQ(*docker::InstanceDockerSocket(""), "/var/run/docker.sock");
  EXPECT_EQ(*docker::InstanceDockerSocket("unix:///run/user/1000/docker.sock"), "/run/user/1000/docker.sock");
  EXPECT_EQ(docker::InstanceDockerSocket("tcp://10.0.0.1:2375").status().code(), util::Status::Code::kInvalidArgument);
  auto conn = std::make_shared<testing::LocalTestConnection>();
  docker::ConnectionDialer d(conn, "/nonexistent/docker.sock");
  auto s = d.Dial();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("docker socket /nonexistent/docker.sock on the instance"), std::string::npos)
      << s.status().message();
}

}  // namespace
}  // namespace executor
