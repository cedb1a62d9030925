#include "cloud/aws/query_client.h"

#include <spdlog/spdlog.h>

#include <cstring>
#include <set>
#include <thread>

#include "cloud/aws/sigv4.h"

namespace cloud::aws {
namespace {

bool IsThrottling(const std::string& code) {
  static const std::set<std::string> k = {
      "RequestLimitExceeded", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
      "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
      "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
      "EC2ThrottledException"};
  return k.count(code) > 0;
}

bool IsServerError(const std::string& code) {
  static const std::set<std::string> k = {"InternalError", "InternalFailure", "ServerInternal", "ServiceUnavailable",
                                          "Unavailable", "RequestTimeout", "RequestTimeoutException",
                                          "ResourceContention"};
  return k.count(code) > 0;
}

util::Status::Code StatusCodeFor(const std::string& code, int http_status) {
  static const std::set<std::string> capacity = {
      "InsufficientInstanceCapacity", "InsufficientCapacity", "InsufficientAddressCapacity",
      "InsufficientFreeAddressesInSubnet", "SpotMaxPriceTooLow", "MaxSpotInstanceCountExceeded",
      "UnfulfillableCapacity", "InstanceLimitExceeded", "VcpuLimitExceeded", "InsufficientHostCapacity",
      "InsufficientReservedInstanceCapacity", "Unsupported", "ScalingActivityInProgress"};
  static const std::set<std::string> auth = {
      "AuthFailure", "SignatureDoesNotMatch", "IncompleteSignature", "InvalidClientTokenId",
      "MissingAuthenticationToken", "OptInRequired", "RequestExpired", "UnauthorizedOperation",
      "AccessDenied", "AccessDeniedException", "ExpiredToken", "InvalidAccessKeyId", "UnrecognizedClientException"};
  if (IsThrottling(code) || IsServerError(code) || (code.empty() && http_status >= 500))
    return util::Status::Code::kUnavailable;
  if (capacity.count(code)) return util::Status::Code::kResourceExhausted;
  if (auth.count(code)) return util::Status::Code::kPermissionDenied;
  if (code.find("NotFound") != std::string::npos) return util::Status::Code::kNotFound;
  return util::Status::Code::kInvalidArgument;
}

util::Status MakeStatus(util::Status::Code code, std::string message) {
  switch (code) {
    case util::Status::Code::kUnavailable: return util::Status::Unavailable(std::move(message));
    case util::Status::Code::kResourceExhausted: return util::Status::ResourceExhausted(std::move(message));
    case util::Status::Code::kPermissionDenied: return util::Status::PermissionDenied(std::move(message));
    case util::Status::Code::kNotFound: return util::Status::NotFound(std::move(message));
    case util::Status::Code::kInternal: return util::Status::Internal(std::move(message));
    default: return util::Status::InvalidArgument(std::move(message));
  }
}

std::string Trim(std::string s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// What to tell a person about some codes, beyond AWS's own message.
std::string Hint(const std::string& code) {
  if (code == "SignatureDoesNotMatch") return " (check the secret access key and that this host's clock is right)";
  if (code == "RequestExpired") return " (this host's clock is off by more than 15 minutes, or the temporary keys expired)";
  if (code == "AuthFailure" || code == "InvalidClientTokenId") return " (check the access key id and the region)";
  if (code == "UnauthorizedOperation") return " (the IAM policy does not allow it: see `spotrunner aws iam-policy`)";
  return "";
}

}  // namespace

std::string DefaultEndpoint(const std::string& service, const std::string& region) {
  std::string suffix = region.rfind("cn-", 0) == 0 ? "amazonaws.com.cn" : "amazonaws.com";
  return "https://" + service + "." + region + "." + suffix + "/";
}

std::string FormEncode(const QueryParams& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += "&";
    out += UriEncode(k, false) + "=" + UriEncode(v, false);
  }
  return out;
}

pugi::xml_node Child(pugi::xml_node node, const char* local_name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    const char* name = c.name();
    const char* colon = std::strchr(name, ':');
    if (std::strcmp(colon ? colon + 1 : name, local_name) == 0) return c;
  }
  return pugi::xml_node();
}

std::string ChildText(pugi::xml_node node, const char* local_name) {
  return Trim(Child(node, local_name).child_value());
}

pugi::xml_node Path(pugi::xml_node node, const std::string& path) {
  size_t pos = 0;
  while (node && pos <= path.size()) {
    size_t slash = path.find('/', pos);
    std::string part = path.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    node = Child(node, part.c_str());
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  return node;
}

QueryClient::QueryClient(QueryEndpoint endpoint, CredentialChain& credentials, util::HttpTransport& http,
                         const util::Clock& clock, RetryPolicy retry, uint32_t seed, Sleeper sleep)
    : endpoint_(std::move(endpoint)),
      credentials_(credentials),
      http_(http),
      clock_(clock),
      retry_(retry),
      rng_(seed),
      sleep_(std::move(sleep)) {
  if (!sleep_) sleep_ = [](util::Duration d) { std::this_thread::sleep_for(d); };
}

util::Duration QueryClient::Backoff(int attempt, bool throttled) {
  util::Duration base = throttled ? retry_.throttle_base : retry_.base;
  util::Duration ceiling = std::min(retry_.cap, base * (int64_t{1} << std::min(attempt - 1, 20)));
  double f = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
  return std::chrono::duration_cast<util::Duration>(ceiling * f);
}

util::Result<std::shared_ptr<pugi::xml_document>> QueryClient::Call(const std::string& action,
                                                                    const QueryParams& params) {
  const std::string what = endpoint_.service_label + " " + action;
  QueryParams all = {{"Action", action}, {"Version", endpoint_.version}};
  all.insert(all.end(), params.begin(), params.end());
  const std::string body = FormEncode(all);
  bool refreshed_credentials = false;
  util::Status last = util::Status::Unavailable(what + ": not sent");
  for (int attempt = 1; attempt <= retry_.max_attempts; ++attempt) {
    last_error_ = AwsError{};
    auto creds = credentials_.Get();
    if (!creds.ok()) return creds.status().WithContext(what);
    util::HttpRequest req;
    req.method = "POST";
    req.url = endpoint_.url;
    req.body = body;
    req.timeout = std::chrono::seconds(60);
    req.connect_timeout = std::chrono::seconds(10);
    req.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    SR_RETURN_IF_ERROR(SignHttpRequest(req, *creds, SigningOptions::ForService(endpoint_.region, endpoint_.signing_name),
                                       clock_.Now())
                           .WithContext(what));
    ++calls_sent_;
    util::HttpResponse resp = http_.Send(req);
    bool retryable = false, throttled = false;
    if (!resp.transport_ok()) {
      last = util::Status::Unavailable(what + ": " + util::TransportErrorName(resp.error.code) + ": " +
                                       resp.error.message + " (" + endpoint_.url +
                                       (resp.error.message.find("resolve") != std::string::npos
                                            ? "; check the region \"" + endpoint_.region + "\" and the endpoint)"
                                            : ")"));
      retryable = true;
    } else {
      auto doc = std::make_shared<pugi::xml_document>();
      pugi::xml_parse_result parsed = doc->load_buffer(resp.body.data(), resp.body.size());
      if (!parsed) {
        last = MakeStatus(resp.status >= 500 ? util::Status::Code::kUnavailable : util::Status::Code::kInternal,
                          what + ": HTTP " + std::to_string(resp.status) + " with a body that is not XML (" +
                              parsed.description() + " at byte " + std::to_string(parsed.offset) + ")");
        retryable = resp.status >= 500;
      } else if (resp.status >= 200 && resp.status < 300) {
        return doc;
      } else {
        // EC2: Response/Errors/Error + RequestID; Auto Scaling: ErrorResponse/Error + RequestId.
        pugi::xml_node root = doc->document_element();
        pugi::xml_node err = Child(root, "Errors") ? Path(root, "Errors/Error") : Child(root, "Error");
        last_error_.code = ChildText(err, "Code");
        last_error_.message = ChildText(err, "Message");
        last_error_.request_id = ChildText(root, "RequestID");
        if (last_error_.request_id.empty()) last_error_.request_id = ChildText(root, "RequestId");
        last_error_.http_status = resp.status;
        std::string code = last_error_.code.empty() ? "HTTP " + std::to_string(resp.status) : last_error_.code;
        std::string msg = what + ": " + code + ": " + last_error_.message + Hint(last_error_.code);
        if (!last_error_.request_id.empty()) msg += " (request id " + last_error_.request_id + ")";
        util::Status::Code sc = StatusCodeFor(last_error_.code, resp.status);
        last = MakeStatus(sc, msg);
        throttled = IsThrottling(last_error_.code);
        retryable = sc == util::Status::Code::kUnavailable;
        if (last_error_.code == "RequestExpired" && creds->expiration && !refreshed_credentials) {
          credentials_.Invalidate();
          refreshed_credentials = true;
          retryable = true;
        }
      }
    }
    if (!retryable || attempt == retry_.max_attempts) break;
    util::Duration wait = Backoff(attempt, throttled);
    spdlog::warn("{} (attempt {} of {}), retrying in {} ms", last.message(), attempt, retry_.max_attempts,
                std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
    sleep_(wait);
  }
  return last;
}

}  // namespace cloud::aws
