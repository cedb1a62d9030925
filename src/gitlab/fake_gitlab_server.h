#pragma once
// Test-only: a scripted HTTP server on 127.0.0.1 (port chosen by the OS) that records every
// request it receives and answers from a queue of canned responses (the last one repeats).
// Header-only so that only test binaries pull in cpp-httplib.
#include <httplib.h>

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace gitlab::testing {

struct RecordedRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  httplib::Headers headers;  // case-insensitive multimap
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
  bool HasHeader(const std::string& name) const { return headers.find(name) != headers.end(); }
};

struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "text/plain";
  std::chrono::milliseconds delay{0};
};

inline CannedResponse Json(int status, std::string body,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
  return CannedResponse{status, std::move(headers), std::move(body), "application/json"};
}

class FakeGitLabServer {
 public:
  FakeGitLabServer() {
    auto handler = [this](const httplib::Request& req, httplib::Response& res) { Handle(req, res); };
    server_.Get(".*", handler);
    server_.Post(".*", handler);
    server_.Put(".*", handler);
    server_.Patch(".*", handler);
    server_.Delete(".*", handler);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeGitLabServer() {
    server_.stop();
    thread_.join();
  }
  FakeGitLabServer(const FakeGitLabServer&) = delete;
  FakeGitLabServer& operator=(const FakeGitLabServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

  void Enqueue(CannedResponse r) {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(r));
  }
  std::vector<RecordedRequest> requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  std::vector<int> remote_ports() const {
    std::lock_guard<std::mutex> lock(mu_);
    return remote_ports_;
  }

 private:
  void Handle(const httplib::Request& req, httplib::Response& res) {
    CannedResponse r;
    {
      std::lock_guard<std::mutex> lock(mu_);
      RecordedRequest rec{req.method, req.path, {}, req.headers, req.body};
      for (const auto& [k, v] : req.params) rec.query[k] = v;
      requests_.push_back(std::move(rec));
      remote_ports_.push_back(req.remote_port);
      if (!queue_.empty()) {
        r = queue_.front();
        if (queue_.size() > 1) queue_.pop_front();
      }
    }
    if (r.delay.count() > 0) std::this_thread::sleep_for(r.delay);
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    if (!r.body.empty()) res.set_content(r.body, r.content_type.c_str());
  }

  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::deque<CannedResponse> queue_;
  std::vector<RecordedRequest> requests_;
  std::vector<int> remote_ports_;
};

}  // namespace gitlab::testing
