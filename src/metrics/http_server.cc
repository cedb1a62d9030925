#include "metrics/http_server.h"

#include <httplib.h>

#include <chrono>
#include <cstdlib>

namespace metrics {

util::Result<ListenAddress> ParseListenAddress(const std::string& address) {
  auto bad = [&](const std::string& why) {
    return util::Status::InvalidArgument("listen_address \"" + address + "\": " + why);
  };
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return bad("want host:port");
  ListenAddress a;
  a.host = address.substr(0, colon);
  if (a.host.size() >= 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  if (a.host.empty()) a.host = "0.0.0.0";
  std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos)
    return bad("port \"" + port + "\" is not a number");
  a.port = std::atoi(port.c_str());
  if (a.port > 65535) return bad("port " + port + " is out of range");
  return a;
}

HttpServer::HttpServer(const Registry& registry) : registry_(registry) {}

HttpServer::~HttpServer() { Stop(); }

util::Result<int> HttpServer::Start(const std::string& address) {
  if (svr_) return util::Status::FailedPrecondition("metrics server already started");
  auto a = ParseListenAddress(address);
  if (!a.ok()) return a.status();
  svr_ = std::make_unique<httplib::Server>();
  svr_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  // SO_REUSEADDR only: with SO_REUSEPORT two runners could share one port unnoticed.
  svr_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  const Registry* reg = &registry_;
  svr_->Get("/metrics", [reg](const httplib::Request&, httplib::Response& res) {
    res.set_content(reg->Render(), kContentType);
  });
  int bound = a->port == 0 ? svr_->bind_to_any_port(a->host) : (svr_->bind_to_port(a->host, a->port) ? a->port : -1);
  if (bound <= 0) {
    svr_.reset();
    return util::Status::Unavailable("metrics server cannot listen on " + address);
  }
  httplib::Server* s = svr_.get();
  thread_ = std::thread([s] { s->listen_after_bind(); });
  // stop() is a no-op until the listen loop runs: wait (bounded) for it to start.
  for (int i = 0; i < 5000 && !svr_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void HttpServer::Stop() {
  if (!svr_) return;
  svr_->stop();
  if (thread_.joinable()) thread_.join();
  svr_.reset();
}

}  // namespace metrics
