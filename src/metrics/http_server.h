#pragma once
// metrics::HttpServer: serves a Registry on GET /metrics (cpp-httplib, one background
// thread), at config.toml's global `listen_address`, as gitlab-runner does.
// Thread safety: Start and Stop from one thread; scrapes run on the server's threads.
#include <memory>
#include <string>
#include <thread>

#include "metrics/registry.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace metrics {

// The content type of the text exposition format 0.0.4.
inline constexpr char kContentType[] = "text/plain; version=0.0.4; charset=utf-8";

struct ListenAddress {
  std::string host;  // "0.0.0.0" when the address had no host (":9252")
  int port = 0;
};
// Parses "host:port", "[v6]:port" or ":port". kInvalidArgument naming the value when the
// port is missing or not in 0..65535.
util::Result<ListenAddress> ParseListenAddress(const std::string& address);

class HttpServer {
 public:
  explicit HttpServer(const Registry& registry);  // keeps a reference
  ~HttpServer();                                   // runs Stop
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on `address` (see ParseListenAddress; port 0 picks a free one) and returns
  // the bound port. kUnavailable when the port cannot be bound, kFailedPrecondition when
  // already started.
  util::Result<int> Start(const std::string& address);
  // Stops listening and joins the server thread. Idempotent.
  void Stop();

 private:
  const Registry& registry_;
  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
};

}  // namespace metrics
