#include "gitlab/client.h"

#include <thread>
#include <utility>

#include "gitlab/api_url.h"
#include "gitlab/request_id.h"
#include "gitlab/retry.h"
#include "util/version.h"

namespace gitlab {
namespace {

constexpr size_t kMaxIdleConnections = 8;

uint64_t SeedFrom(uint64_t seed) {
  if (seed != 0) return seed;
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32) ^ rd();
}

}  // namespace

Sleeper RealSleeper() {
  return [](util::Duration d) {
    std::this_thread::sleep_for(d);
    return true;
  };
}

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kPending: return "pending";
    case JobState::kRunning: return "running";
    case JobState::kSuccess: return "success";
    case JobState::kFailed: return "failed";
  }
  return "failed";
}

Client::Client(std::string_view base_url, ClientOptions options, util::Clock& clock)
    : options_(std::move(options)), clock_(clock), rng_(SeedFrom(options_.seed)) {
  auto url = NormalizeApiUrl(base_url);
  if (url.ok()) {
    api_url_ = std::move(url).value();
  } else {
    url_status_ = url.status();
  }
  if (!options_.sleeper) options_.sleeper = RealSleeper();
  if (options_.max_attempts < 1) options_.max_attempts = 1;
  user_agent_ = std::string("gitlab-runner ") + util::kVersion + " (spotrunner; c++; linux/" +
                BuildArchitecture() + ")";
}

Client::~Client() = default;

std::string Client::NextRequestId() {
  std::lock_guard<std::mutex> lock(mu_);
  return NewRequestId(rng_);
}

util::HttpResponse Client::SendOnce(const util::HttpRequest& request) {
  if (options_.transport != nullptr) return options_.transport->Send(request);
  std::unique_ptr<util::HttpClient> http;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      http = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!http) http = std::make_unique<util::HttpClient>(util::HttpClientOptions{options_.connection_max_age});
  util::HttpResponse response = http->Send(request);
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdleConnections) idle_.push_back(std::move(http));
  return response;
}

util::HttpResponse Client::Send(Call call) {
  util::HttpRequest request;
  request.method = std::move(call.method);
  request.url = api_url_ + call.path;
  request.headers = std::move(call.headers);
  request.headers.Set("User-Agent", user_agent_);
  request.body = std::move(call.body);
  request.timeout = options_.request_timeout;
  request.connect_timeout = options_.connect_timeout;
  request.follow_redirects = false;
  request.ca_file = options_.ca_file;
  request.client_cert_file = options_.cert_file;
  request.client_key_file = options_.key_file;
  request.abort = call.abort;

  Backoff backoff(rng_);
  util::HttpResponse response;
  for (int attempt = 1;; ++attempt) {
    request.headers.Set("X-Request-Id", NextRequestId());
    response = SendOnce(request);
    if (response.error || !IsRetriableStatus(response.status) || attempt >= options_.max_attempts ||
        (request.abort != nullptr && request.abort->aborted())) {
      return response;
    }
    util::Duration wait;
    {
      std::lock_guard<std::mutex> lock(mu_);  // the backoff draws from rng_
      wait = RetryWait(response.headers, clock_.Now(), backoff);
    }
    if (!options_.sleeper(wait)) return response;
  }
}

}  // namespace gitlab
