#include "manager/engine_probe.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "executor/instance/local_test_connection.h"
#include "util/testing/test_util.h"

namespace manager {
namespace {

using namespace std::chrono_literals;

// The Engine this host runs (scripts/services.sh) answers through the connection.
TEST(EngineProbeTest, RealEngineAnswers) {
  auto conn = std::make_shared<executor::testing::LocalTestConnection>();
  util::CancelToken stop;
  EXPECT_OK(PingEngine(conn, "/var/run/docker.sock", 10s, stop));
}

TEST(EngineProbeTest, MissingSocketNamesIt) {
  auto conn = std::make_shared<executor::testing::LocalTestConnection>();
  util::CancelToken stop;
  util::Status s = PingEngine(conn, "/nonexistent/docker.sock", 10s, stop);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("docker socket /nonexistent/docker.sock on the instance"), std::string::npos) << s.ToString();
}

// An Engine that accepts and never answers (hung while starting): a stream whose reads
// block until it is closed, as a socket's do.
class SilentStream final : public util::ByteStream {
 public:
  util::Status WriteAll(std::string_view) override { return util::Status::Ok(); }
  util::Result<size_t> Read(char*, size_t) override {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return closed_; });
    return util::Status::Unavailable("stream closed");
  }
  util::Status CloseWrite() override { return util::Status::Ok(); }
  void Close() override {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool closed_ = false;
};

class SilentEngineConnection final : public connect::Connection {
 public:
  util::Result<int> Exec(const std::string&, std::string_view, const connect::OutputFn&,
                         const util::CancelToken&) override {
    return 0;
  }
  util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::string&) override {
    return std::unique_ptr<util::ByteStream>(std::make_unique<SilentStream>());
  }
  util::Status Ping() override { return util::Status::Ok(); }
};

TEST(EngineProbeTest, SilentEngineIsBounded) {
  auto conn = std::make_shared<SilentEngineConnection>();
  util::CancelToken stop;
  util::Status s = PingEngine(conn, "/var/run/docker.sock", 300ms, stop);
  EXPECT_EQ(s.code(), util::Status::Code::kDeadlineExceeded) << s.ToString();
  EXPECT_EQ(s.message(), "docker ping: the Engine at /var/run/docker.sock accepted but did not answer within 0.3 s");

  // Shutting down ends the wait too.
  std::thread t([&] {
    std::this_thread::sleep_for(200ms);
    stop.Cancel("shutdown");
  });
  s = PingEngine(conn, "/var/run/docker.sock", std::chrono::hours(1), stop);
  t.join();
  EXPECT_EQ(s.code(), util::Status::Code::kCancelled) << s.ToString();
}

}  // namespace
}  // namespace manager
