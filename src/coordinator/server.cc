#include "coordinator/server.h"

#include <httplib.h>

#include <chrono>

#include "coordinator/routes.h"

namespace coordinator {

Server::Server(Coordinator& coordinator, ServerOptions options)
    : coordinator_(coordinator), options_(options) {}

Server::~Server() { Stop(); }

util::Result<int> Server::Start(const std::string& host, int port) {
  if (svr_) return util::Status::FailedPrecondition("coordinator server already started");
  svr_ = std::make_unique<httplib::Server>();
  const size_t threads = options_.threads;
  svr_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr_->set_keep_alive_timeout(options_.keep_alive_timeout_seconds);
  // As GitLab's front ends (nginx, Workhorse) do: an answer written in two pieces (headers,
  // then the body) must not wait for the client's delayed ACK (~40 ms per job request).
  svr_->set_tcp_nodelay(true);
  http::RegisterRunnerRoutes(*svr_, coordinator_);
  http::RegisterJobRoutes(*svr_, coordinator_);
  http::RegisterTraceRoutes(*svr_, coordinator_);
  http::RegisterGitRoutes(*svr_, coordinator_);
  http::RegisterLfsRoutes(*svr_, coordinator_);
  http::RegisterArtifactsRoutes(*svr_, coordinator_);  // before admin: /admin/jobs/:id/artifacts
  http::RegisterAdminRoutes(*svr_, coordinator_);
  svr_->set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty() && res.status == 404) res.set_content(R"({"message":"404 Not Found"})", "application/json");
  });

  int bound = port == 0 ? svr_->bind_to_any_port(host) : (svr_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    svr_.reset();
    return util::Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port));
  }
  port_ = bound;
  if (coordinator_.base_url().empty()) {
    coordinator_.SetBaseUrl("http://" + host + ":" + std::to_string(bound));
  }
  httplib::Server* s = svr_.get();
  thread_ = std::thread([s] { s->listen_after_bind(); });
  // Stop() is a no-op until the listen loop runs, so wait for it to start.
  for (int i = 0; i < 5000 && !svr_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void Server::Stop() {
  if (!svr_) return;
  coordinator_.Shutdown();
  svr_->stop();
  if (thread_.joinable()) thread_.join();
  svr_.reset();
}

}  // namespace coordinator
