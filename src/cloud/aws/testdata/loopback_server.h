#pragma once
// Test helper: a cpp-httplib server on 127.0.0.1 with an OS-chosen port, run in a thread
// and stopped by the destructor. Handlers are registered on server() before Start().
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

namespace cloud::aws::testing {

class LoopbackServer {
 public:
  ~LoopbackServer() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  LoopbackServer() { server_.set_payload_max_length(64 << 20); }
  httplib::Server& server() { return server_; }
  // Binds and serves; returns false when it does not come up within 5 s.
  bool Start() {
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) return false;
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    for (int i = 0; i < 5000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return server_.is_running();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace cloud::aws::testing
