#include "cloud/aws/imds_client.h"

#include <nlohmann/json.hpp>

#include "cloud/aws/sigv4.h"

namespace cloud::aws {
namespace {

constexpr int kTokenTtlSeconds = 21600;

util::HttpRequest Request(const std::string& method, const std::string& url) {
  util::HttpRequest r;
  r.method = method;
  r.url = url;
  r.timeout = std::chrono::seconds(2);
  r.connect_timeout = std::chrono::seconds(1);
  return r;
}

}  // namespace

ImdsClient::ImdsClient(util::HttpTransport& http, const util::Clock& clock, std::string endpoint)
    : http_(http), clock_(clock), endpoint_(std::move(endpoint)) {}

util::Result<std::string> ImdsClient::Token() {
  util::Time now = clock_.Now();
  if (!token_.empty() && now < token_expiry_) return token_;
  util::HttpRequest r = Request("PUT", endpoint_ + "/latest/api/token");
  r.headers.Add("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(kTokenTtlSeconds));
  util::HttpResponse resp = http_.Send(r);
  if (!resp.transport_ok())
    return util::Status::Unavailable("IMDS token request to " + endpoint_ + " failed: " + resp.error.message);
  if (resp.status != 200)
    return util::Status::Unavailable("IMDS token request answered HTTP " + std::to_string(resp.status));
  token_ = resp.body;
  token_expiry_ = now + std::chrono::seconds(kTokenTtlSeconds - 60);
  return token_;
}

util::Result<std::string> ImdsClient::Get(const std::string& path) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto token = Token();
    if (!token.ok()) return token.status();
    util::HttpRequest r = Request("GET", endpoint_ + "/latest/meta-data/" + path);
    r.headers.Add("X-aws-ec2-metadata-token", *token);
    util::HttpResponse resp = http_.Send(r);
    if (!resp.transport_ok())
      return util::Status::Unavailable("IMDS GET " + path + " failed: " + resp.error.message);
    if (resp.status == 200) return resp.body;
    if (resp.status == 404) return util::Status::NotFound("IMDS has no " + path);
    if (resp.status == 401 && attempt == 0) {  // token expired early: fetch a fresh one once
      token_.clear();
      continue;
    }
    if (resp.status == 401 || resp.status == 403)
      return util::Status::PermissionDenied("IMDS refused GET " + path + " (HTTP " + std::to_string(resp.status) + ")");
    return util::Status::Unavailable("IMDS GET " + path + " answered HTTP " + std::to_string(resp.status));
  }
  return util::Status::Unavailable("IMDS GET " + path + " failed");
}

util::Result<Credentials> ImdsClient::RoleCredentials() {
  auto roles = Get("iam/security-credentials/");
  if (!roles.ok()) {
    if (roles.status().code() == util::Status::Code::kNotFound)
      return util::Status::NotFound("this instance has no IAM role (IMDS iam/security-credentials/ is empty)");
    return roles.status();
  }
  std::string role = roles->substr(0, roles->find('\n'));
  while (!role.empty() && (role.back() == '\r' || role.back() == ' ')) role.pop_back();
  if (role.empty()) return util::Status::NotFound("this instance has no IAM role");
  auto doc = Get("iam/security-credentials/" + role);
  if (!doc.ok()) return doc.status();
  return ParseImdsCredentials(*doc, "instance role " + role + " (IMDS)");
}

util::Result<util::Time> ParseIso8601(const std::string& s) {
  // 2017-05-17T15:09:54Z, 2017-05-17T15:09:54.000Z, 2017-05-17T15:09:54+00:00
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
    return util::Status::InvalidArgument("\"" + s + "\" is not an ISO 8601 UTC time");
  std::string basic = s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + "T" + s.substr(11, 2) + s.substr(14, 2) +
                      s.substr(17, 2) + "Z";
  auto t = ParseAmzDate(basic);
  if (!t.ok()) return util::Status::InvalidArgument("\"" + s + "\" is not an ISO 8601 UTC time");
  return *t;
}

util::Result<Credentials> ParseImdsCredentials(const std::string& json, const std::string& source) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return util::Status::InvalidArgument(source + ": credentials are not JSON");
  for (const char* key : {"AccessKeyId", "SecretAccessKey", "Token", "Expiration"})
    if (!j.contains(key) || !j[key].is_string())
      return util::Status::InvalidArgument(source + ": credentials document has no " + key);
  auto exp = ParseIso8601(j["Expiration"].get<std::string>());
  if (!exp.ok()) return exp.status().WithContext(source + ": Expiration");
  Credentials c;
  c.access_key_id = j["AccessKeyId"].get<std::string>();
  c.secret_access_key = j["SecretAccessKey"].get<std::string>();
  c.session_token = j["Token"].get<std::string>();
  c.expiration = *exp;
  c.source = source;
  return c;
}

util::Result<InstanceAction> ParseInstanceAction(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("action") || !j["action"].is_string() ||
      !j.contains("time") || !j["time"].is_string())
    return util::Status::InvalidArgument("spot/instance-action is not {\"action\", \"time\"}: " + json.substr(0, 200));
  auto t = ParseIso8601(j["time"].get<std::string>());
  if (!t.ok()) return t.status().WithContext("spot/instance-action time");
  return InstanceAction{j["action"].get<std::string>(), *t};
}

util::Result<util::Time> ParseRebalance(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("noticeTime") || !j["noticeTime"].is_string())
    return util::Status::InvalidArgument("events/recommendations/rebalance has no noticeTime: " + json.substr(0, 200));
  return ParseIso8601(j["noticeTime"].get<std::string>());
}

}  // namespace cloud::aws
