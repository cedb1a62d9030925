#pragma once
// cloud::aws::QueryClient: one AWS Query-protocol endpoint (EC2 2016-11-15 or Auto Scaling
// 2011-01-01): form-encodes the parameters, signs with SigV4, sends, parses the XML answer,
// turns AWS error envelopes into typed errors, and retries what may succeed later.
//
// Retries (bounded): transport failures, HTTP 5xx, throttling codes (RequestLimitExceeded,
// Throttling...) and server codes (InternalError, Unavailable...), at most
// RetryPolicy::max_attempts in all, each after a delay of rand(0,1) × min(base × 2^(i-1), cap)
// (full jitter; base 1 s for throttling, 100 ms otherwise). RequestExpired with temporary
// credentials is retried once with fresh ones. Nothing else is retried.
//
// Error codes → Status codes: throttling/server/transport → kUnavailable; capacity and quota
// codes → kResourceExhausted; auth and signing codes → kPermissionDenied; *.NotFound →
// kNotFound; the rest → kInvalidArgument; an answer that is not XML → kInternal. Every
// message names the service, the call and the AWS code: "EC2 RunInstances:
// InsufficientInstanceCapacity: ... (request id ...)". last_error() keeps the AWS code.
// Not thread-safe. Never logs keys or signatures.
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <pugixml.hpp>

#include "cloud/aws/credential_chain.h"
#include "util/clock.h"
#include "util/http_client.h"
#include "util/status.h"

namespace cloud::aws {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

struct RetryPolicy {
  int max_attempts = 4;
  util::Duration throttle_base = std::chrono::seconds(1);
  util::Duration base = std::chrono::milliseconds(100);
  util::Duration cap = std::chrono::seconds(20);
};

// The AWS side of the last failed call (empty code when the last call succeeded or failed
// before AWS answered).
struct AwsError {
  std::string code;
  std::string message;
  std::string request_id;
  int http_status = 0;
};

struct QueryEndpoint {
  std::string service_label;  // "EC2", "Auto Scaling": used in messages
  std::string url;            // "https://ec2.us-east-1.amazonaws.com/"
  std::string signing_name;   // "ec2", "autoscaling"
  std::string region;
  std::string version;        // "2016-11-15", "2011-01-01"
};

// The default endpoint of a service in a region (China regions get .amazonaws.com.cn).
std::string DefaultEndpoint(const std::string& service, const std::string& region);

class QueryClient {
 public:
  using Sleeper = std::function<void(util::Duration)>;

  // Borrowed: credentials, http, clock must outlive the client. `sleep` null = real sleep.
  QueryClient(QueryEndpoint endpoint, CredentialChain& credentials, util::HttpTransport& http,
              const util::Clock& clock, RetryPolicy retry = {}, uint32_t seed = std::random_device{}(),
              Sleeper sleep = nullptr);
  QueryClient(const QueryClient&) = delete;
  QueryClient& operator=(const QueryClient&) = delete;

  // Calls `action` with `params` (Action and Version are added). On success returns the
  // parsed response document.
  util::Result<std::shared_ptr<pugi::xml_document>> Call(const std::string& action, const QueryParams& params);

  const AwsError& last_error() const { return last_error_; }
  int calls_sent() const { return calls_sent_; }  // HTTP requests, retries included

 private:
  util::Duration Backoff(int attempt, bool throttled);

  QueryEndpoint endpoint_;
  CredentialChain& credentials_;
  util::HttpTransport& http_;
  const util::Clock& clock_;
  RetryPolicy retry_;
  std::mt19937 rng_;
  Sleeper sleep_;
  AwsError last_error_;
  int calls_sent_ = 0;
};

// application/x-www-form-urlencoded body of `params` (SigV4 encoding, %20 for spaces).
std::string FormEncode(const QueryParams& params);

// Children of `node` by local name, ignoring namespaces ("ec2:item" matches "item").
pugi::xml_node Child(pugi::xml_node node, const char* local_name);
std::string ChildText(pugi::xml_node node, const char* local_name);
// Follows a path of local names ("instanceState/name").
pugi::xml_node Path(pugi::xml_node node, const std::string& path);

}  // namespace cloud::aws
