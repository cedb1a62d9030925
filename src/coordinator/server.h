#pragma once
// Server: serves a Coordinator over HTTP (cpp-httplib) on a background thread:
// the runner API under /api/v4, git smart HTTP for mirrored local repositories, and
// the admin API under /admin (README.md).
// Start/Stop are not thread-safe against each other; call them from one thread.
#include <memory>
#include <string>
#include <thread>

#include "coordinator/coordinator.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace coordinator {

struct ServerOptions {
  // Worker threads; each long-polling runner holds one for up to the poll duration.
  // Default 64.
  size_t threads = 64;
  // How long an idle keep-alive connection is kept; Stop() waits for them. Default 5 s.
  int keep_alive_timeout_seconds = 5;
};

class Server {
 public:
  // `coordinator` must outlive the Server.
  explicit Server(Coordinator& coordinator, ServerOptions options = {});
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (port 0 = any free port) and serves in the background. Sets the
  // coordinator's base URL to "http://<host>:<port>" when it has none.
  // Returns the bound port. On failure: Unavailable (cannot bind), FailedPrecondition
  // (already started).
  util::Result<int> Start(const std::string& host, int port);
  // Wakes long polls (Coordinator::Shutdown, which is final), stops accepting and joins
  // the serving thread. Idempotent.
  void Stop();
  int port() const { return port_; }

 private:
  Coordinator& coordinator_;
  const ServerOptions options_;
  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace coordinator
