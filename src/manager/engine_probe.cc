#include "manager/engine_probe.h"

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "executor/docker/engine_client.h"

namespace manager {
namespace {

// Hands out streams to the socket and keeps a share of each, so the watchdog can close
// one the client is blocked on (ByteStream::Close may be called from another thread).
class ClosableDialer final : public util::StreamDialer {
 public:
  ClosableDialer(std::shared_ptr<connect::Connection> conn, std::string socket)
      : conn_(std::move(conn)), socket_(std::move(socket)) {}

  util::Result<std::unique_ptr<util::ByteStream>> Dial() override {
    auto s = conn_->DialUnix(socket_);
    if (!s.ok()) return s.status().WithContext("docker socket " + socket_ + " on the instance");
    std::shared_ptr<util::ByteStream> shared(std::move(*s));
    std::lock_guard<std::mutex> l(mu_);
    if (closed_) shared->Close();
    streams_.push_back(shared);
    return std::unique_ptr<util::ByteStream>(std::make_unique<Shared>(shared));
  }
  void CloseAll() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    for (auto& s : streams_) s->Close();
  }

 private:
  struct Shared final : util::ByteStream {
    explicit Shared(std::shared_ptr<util::ByteStream> s) : s_(std::move(s)) {}
    util::Status WriteAll(std::string_view d) override { return s_->WriteAll(d); }
    util::Result<size_t> Read(char* buf, size_t cap) override { return s_->Read(buf, cap); }
    util::Status CloseWrite() override { return s_->CloseWrite(); }
    void Close() override { s_->Close(); }
    std::shared_ptr<util::ByteStream> s_;
  };
  std::shared_ptr<connect::Connection> conn_;
  std::string socket_;
  std::mutex mu_;
  bool closed_ = false;
  std::vector<std::shared_ptr<util::ByteStream>> streams_;
};

}  // namespace

util::Status PingEngine(const std::shared_ptr<connect::Connection>& conn, const std::string& socket,
                        util::Duration timeout, const util::CancelToken& stop) {
  ClosableDialer dialer(conn, socket);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false, fired = false;
  std::thread watchdog([&] {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::unique_lock<std::mutex> l(mu);
    while (!done && !stop.cancelled() && std::chrono::steady_clock::now() < deadline)
      cv.wait_for(l, std::chrono::milliseconds(100));
    if (done) return;
    fired = true;
    l.unlock();
    dialer.CloseAll();
  });
  executor::docker::EngineClient engine(dialer);
  util::Status s = engine.Ping();
  {
    std::lock_guard<std::mutex> l(mu);
    done = true;
  }
  cv.notify_all();
  watchdog.join();
  if (fired && !s.ok()) {
    if (stop.cancelled()) return util::Status::Cancelled("docker ping: the fleet is shutting down");
    char secs[32];
    std::snprintf(secs, sizeof secs, "%g", std::chrono::duration<double>(timeout).count());
    return util::Status::DeadlineExceeded("docker ping: the Engine at " + socket + " accepted but did not answer within " +
                                          secs + " s");
  }
  return s;
}

}  // namespace manager
