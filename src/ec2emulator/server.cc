#include "ec2emulator/server.h"

#include <httplib.h>

#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

void Send(httplib::Response& res, const HttpReply& r) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  res.set_content(r.body, r.content_type.c_str());
}

}  // namespace

Server::Server(Emulator& emulator, util::Clock& clock, ServerOptions options)
    : emulator_(emulator), clock_(clock), options_(std::move(options)) {}

Server::~Server() { Stop(); }

util::Result<int> Server::Start(const std::string& host, int port) {
  if (svr_) return util::Status::FailedPrecondition("ec2 emulator server already started");
  if (options_.credentials.access_key_id.empty() || options_.credentials.secret_access_key.empty()) {
    return util::Status::InvalidArgument("ec2 emulator: an access key id and a secret access key are required");
  }
  svr_ = std::make_unique<httplib::Server>();
  const size_t threads = options_.threads;
  svr_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr_->set_keep_alive_timeout(2);

  auto query_api = [this](const httplib::Request& req, httplib::Response& res) {
    ReceivedRequest r;
    r.method = req.method;
    r.target = req.target;
    for (const auto& [k, v] : req.headers) {
      // cpp-httplib adds these itself; they were not part of what the client sent.
      if (k == "REMOTE_ADDR" || k == "REMOTE_PORT" || k == "LOCAL_ADDR" || k == "LOCAL_PORT") continue;
      r.headers.emplace_back(k, v);
    }
    r.body = req.body;
    std::string form;
    if (req.method == "POST") {
      const std::string ct = req.get_header_value("Content-Type");
      if (ct.rfind("application/x-www-form-urlencoded", 0) != 0) {
        Send(res, emulator_.Ec2Error({400, "InvalidParameterValue",
                                      "The Content-Type must be application/x-www-form-urlencoded, not '" + ct + "'"}));
        return;
      }
      form = req.body;
    } else {
      size_t q = req.target.find('?');
      form = q == std::string::npos ? "" : req.target.substr(q + 1);
    }
    auto params = QueryParams::Parse(form);
    if (!params.ok()) {
      Send(res, emulator_.Ec2Error(InvalidParameterValue(params.status().message())));
      return;
    }
    const bool autoscaling = params->Get("Version") == kAutoScalingVersion;
    SigV4Expectation expect;
    expect.region = emulator_.options().region;
    expect.service = autoscaling ? "autoscaling" : "ec2";
    expect.max_skew = options_.max_skew;
    auto auth = VerifySigV4(r, options_.credentials, expect, clock_.Now());
    if (IsError(auth)) {
      const ApiError& e = std::get<ApiError>(auth);
      Send(res, autoscaling ? emulator_.AutoScalingError(e) : emulator_.Ec2Error(e));
      return;
    }
    Send(res, autoscaling ? emulator_.AutoScaling(*params) : emulator_.Ec2(*params));
  };
  // POST bodies are read here: cpp-httplib's own reading refuses form bodies over 8 KB
  // with 413, and a RunInstances with EC2's 16 KB of user data (base64, form-encoded) is
  // about 30 KB. 1 MiB bounds what one request may hold.
  svr_->Post("/", [query_api](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
    constexpr size_t kMaxBody = 1 << 20;
    httplib::Request full = req;
    bool too_big = false;
    read([&](const char* data, size_t n) {
      too_big = too_big || full.body.size() + n > kMaxBody;
      if (!too_big) full.body.append(data, n);
      return !too_big;
    });
    if (too_big) {
      res.status = 413;
      return;
    }
    query_api(full, res);
  });
  svr_->Get("/", query_api);
  http::RegisterAdminRoutes(*svr_, emulator_, options_.admin_token);

  int bound = port == 0 ? svr_->bind_to_any_port(host) : (svr_->bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    svr_.reset();
    return util::Status::Unavailable("cannot listen on " + host + ":" + std::to_string(port));
  }
  port_ = bound;
  httplib::Server* s = svr_.get();
  thread_ = std::thread([s] { s->listen_after_bind(); });
  for (int i = 0; i < 5000 && !svr_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void Server::Stop() {
  if (!svr_) return;
  svr_->stop();
  if (thread_.joinable()) thread_.join();
  svr_.reset();
}

}  // namespace ec2emulator
