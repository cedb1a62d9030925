// Runner-level calls: register, verify, unregister, reset token (protocol reference §2.1-2.5).
#include <nlohmann/json.hpp>

#include "gitlab/client.h"
#include "gitlab/http_answer.h"

namespace gitlab {
namespace {

using nlohmann::ordered_json;

std::string JoinTags(const std::vector<std::string>& tags) {
  std::string out;
  for (const auto& t : tags) {
    if (!out.empty()) out += ",";
    out += t;
  }
  return out;
}

util::HttpHeaders RunnerHeaders(const std::string& token) {
  return util::HttpHeaders{{"RUNNER-TOKEN", token},
                           {"Content-Type", "application/json"},
                           {"Accept", "application/json"}};
}

std::string StringField(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace

util::Result<RunnerCredentials> Client::ReadCredentials(const util::HttpResponse& r, std::string_view what,
                                                        const std::string& fallback_token) const {
  auto body = JsonBody(r);
  if (!body || !body->is_object()) {
    return util::Status::Internal(std::string(what) + ": HTTP " + std::to_string(r.status) +
                                  " without a JSON object body");
  }
  RunnerCredentials c;
  auto id = body->find("id");
  if (id != body->end() && id->is_number_integer()) c.id = id->get<int64_t>();
  c.token = StringField(*body, "token");
  if (c.token.empty()) c.token = fallback_token;
  if (c.token.empty()) return util::Status::Internal(std::string(what) + ": answer has no token");
  c.token_expires_at = StringField(*body, "token_expires_at");
  c.token_obtained_at = clock_.Now();
  return c;
}

util::Result<RunnerCredentials> Client::RegisterRunner(const RegisterParams& p) {
  if (!url_status_.ok()) return url_status_;
  ordered_json body = ordered_json::object();
  body["token"] = p.registration_token;
  body["description"] = p.description;
  if (!p.maintenance_note.empty()) body["maintenance_note"] = p.maintenance_note;
  if (!p.tags.empty()) body["tag_list"] = JoinTags(p.tags);
  body["run_untagged"] = p.run_untagged;
  body["locked"] = p.locked;
  body["paused"] = p.paused;
  if (!p.access_level.empty()) body["access_level"] = p.access_level;
  if (p.maximum_timeout > 0) body["maximum_timeout"] = p.maximum_timeout;
  body["info"] = VersionInfoJson(p.info);

  auto r = Send({"POST", "runners", RunnerHeaders(p.registration_token), body.dump()});
  if (r.status == 201) return ReadCredentials(r, "POST /runners", "");
  util::Status s = StatusFromResponse("POST /runners", r);
  if (r.status == 403) return util::Status::PermissionDenied(s.message() + " (check registration token)");
  if (r.status == 410) {
    return util::Status::FailedPrecondition(s.message() +
                                            " (registration tokens are disabled: create the runner in GitLab "
                                            "and use its glrt- token)");
  }
  return s;
}

util::Result<RunnerCredentials> Client::VerifyRunner(const std::string& token, const std::string& system_id,
                                                     const VersionInfo& info) {
  if (!url_status_.ok()) return url_status_;
  ordered_json body = ordered_json::object();
  body["token"] = token;
  if (!system_id.empty()) body["system_id"] = system_id;
  body["info"] = VersionInfoJson(info);
  auto r = Send({"POST", "runners/verify", RunnerHeaders(token), body.dump()});
  if (r.status != 200) return StatusFromResponse("POST /runners/verify", r);
  if (auto j = JsonBody(r); j && j->is_object()) return ReadCredentials(r, "POST /runners/verify", token);
  // Older GitLab answers a plain-text 200: the token is valid, nothing else is known.
  RunnerCredentials c;
  c.token = token;
  c.token_obtained_at = clock_.Now();
  return c;
}

util::Status Client::UnregisterRunner(const std::string& token) {
  if (!url_status_.ok()) return url_status_;
  ordered_json body = {{"token", token}};
  auto r = Send({"DELETE", "runners", util::HttpHeaders{{"RUNNER-TOKEN", token}, {"Content-Type", "application/json"}},
                 body.dump()});
  if (r.status == 204) return util::Status::Ok();
  return StatusFromResponse("DELETE /runners", r);
}

util::Status Client::UnregisterManager(const std::string& token, const std::string& system_id) {
  if (!url_status_.ok()) return url_status_;
  ordered_json body = ordered_json::object();
  body["token"] = token;
  body["system_id"] = system_id;
  auto r = Send({"DELETE", "runners/managers",
                 util::HttpHeaders{{"RUNNER-TOKEN", token}, {"Content-Type", "application/json"}}, body.dump()});
  if (r.status == 204) return util::Status::Ok();
  return StatusFromResponse("DELETE /runners/managers", r);
}

util::Result<RunnerCredentials> Client::ResetToken(const std::string& token) {
  if (!url_status_.ok()) return url_status_;
  ordered_json body = {{"token", token}};
  auto r = Send({"POST", "runners/reset_authentication_token", RunnerHeaders(token), body.dump()});
  if (r.status == 201) return ReadCredentials(r, "POST /runners/reset_authentication_token", "");
  return StatusFromResponse("POST /runners/reset_authentication_token", r);
}

}  // namespace gitlab
