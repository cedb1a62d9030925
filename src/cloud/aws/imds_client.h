#pragma once
// cloud::aws::ImdsClient: the EC2 instance metadata service, IMDSv2 only (a session token
// from PUT /latest/api/token, then GETs carrying it). Used for the manager's own role
// credentials when it runs on EC2, and to parse the spot notices that the provider reads
// from an instance's IMDS over SSH (ParseInstanceAction, ParseRebalance).
// Not thread-safe; one per user. Timeouts are short (IMDS is local or absent).
#include <optional>
#include <string>

#include "cloud/aws/credentials.h"
#include "util/clock.h"
#include "util/http_client.h"
#include "util/status.h"

namespace cloud::aws {

inline constexpr char kDefaultImdsEndpoint[] = "http://169.254.169.254";

class ImdsClient {
 public:
  // `endpoint` without a trailing slash ("http://169.254.169.254", or a loopback test server).
  ImdsClient(util::HttpTransport& http, const util::Clock& clock, std::string endpoint = kDefaultImdsEndpoint);
  ImdsClient(const ImdsClient&) = delete;
  ImdsClient& operator=(const ImdsClient&) = delete;

  // GET /latest/meta-data/<path>. kNotFound on 404; kUnavailable when IMDS does not answer
  // or answers 5xx; kPermissionDenied on 401/403 (after one fresh token).
  util::Result<std::string> Get(const std::string& path);

  // The role credentials of this instance (iam/security-credentials/<first role>).
  // kNotFound when the instance has no role; kInvalidArgument for a malformed document.
  util::Result<Credentials> RoleCredentials();

 private:
  util::Result<std::string> Token();

  util::HttpTransport& http_;
  const util::Clock& clock_;
  std::string endpoint_;
  std::string token_;
  util::Time token_expiry_{};
};

// Parses an IMDS credentials document ({"AccessKeyId", "SecretAccessKey", "Token",
// "Expiration"}); all four are required.
util::Result<Credentials> ParseImdsCredentials(const std::string& json, const std::string& source);

// spot/instance-action: {"action": "terminate", "time": "2017-09-18T08:22:00Z"}.
struct InstanceAction {
  std::string action;  // terminate | stop | hibernate
  util::Time time{};
};
util::Result<InstanceAction> ParseInstanceAction(const std::string& json);
// events/recommendations/rebalance: {"noticeTime": "..."}; returns the notice time.
util::Result<util::Time> ParseRebalance(const std::string& json);

// "2017-05-17T15:09:54Z" or with fractional seconds "2011-12-20T08:29:31.000Z".
util::Result<util::Time> ParseIso8601(const std::string& s);

}  // namespace cloud::aws
