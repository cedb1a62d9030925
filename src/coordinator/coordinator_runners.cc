// Runner registration endpoints (POST/DELETE /runners, verify, managers, token reset),
// answered as lib/api/ci/runner.rb does.
#include <algorithm>
#include <optional>
#include <stdexcept>
#include <sstream>

#include "coordinator/coordinator.h"

namespace coordinator {
namespace {

using nlohmann::json;

const char kForbidden[] = "403 Forbidden";

std::string Str(const json& p, const char* key) {
  if (!p.is_object() || !p.contains(key) || !p[key].is_string()) return "";
  return p[key].get<std::string>();
}

// Booleans and integers arrive as JSON values, or as strings from form bodies.
std::optional<bool> BoolParam(const json& p, const char* key) {
  if (!p.contains(key)) return std::nullopt;
  const json& v = p[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string() && (v == "true" || v == "1")) return true;
  if (v.is_string() && (v == "false" || v == "0")) return false;
  throw std::invalid_argument(std::string(key) + " is invalid");
}

std::optional<int64_t> IntParam(const json& p, const char* key) {
  if (!p.contains(key)) return std::nullopt;
  const json& v = p[key];
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string() && !v.get<std::string>().empty() &&
      v.get<std::string>().find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(v.get<std::string>());
  }
  throw std::invalid_argument(std::string(key) + " is invalid");
}

std::vector<std::string> TagList(const json& v) {
  std::vector<std::string> out;
  auto add = [&](std::string t) {
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  if (v.is_string()) {
    std::stringstream ss(v.get<std::string>());
    std::string t;
    while (std::getline(ss, t, ',')) add(t);
  } else if (v.is_array()) {
    for (const auto& t : v) {
      if (t.is_string()) add(t.get<std::string>());
    }
  }
  return out;
}

// Grape-style validation of the settings shared by POST /runners and POST /admin/runners.
std::string SettingsError(const json& p) {
  if (p.contains("maintenance_note") && p.contains("maintainer_note")) {
    return "maintenance_note, maintainer_note are mutually exclusive";
  }
  if (p.contains("paused") && p.contains("active")) return "paused, active are mutually exclusive";
  if (Str(p, "maintenance_note").size() > 1024) return "maintenance_note is too long";
  std::string level = Str(p, "access_level");
  if (p.contains("access_level") && level != "not_protected" && level != "ref_protected") {
    return "access_level does not have a valid value";
  }
  try {
    for (const char* k : {"run_untagged", "locked", "paused", "active"}) BoolParam(p, k);
    IntParam(p, "maximum_timeout");
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

json Credentials(const RunnerRecord& r) {
  return {{"id", r.id}, {"token", r.token}, {"token_expires_at", nullptr}};
}

}  // namespace

RunnerRecord& Coordinator::NewRunnerLocked(const json& p, bool created_in_ui) {
  RunnerRecord r;
  r.id = next_runner_id_++;
  r.created_in_ui = created_in_ui;
  r.token = created_in_ui ? tokens_.CreatedRunnerToken() : tokens_.RegisteredRunnerToken();
  r.description = Str(p, "description");
  r.tags = TagList(p.value("tag_list", json()));
  // REQUIRES: SettingsError(p) is empty, so the conversions below do not throw.
  r.run_untagged = BoolParam(p, "run_untagged").value_or(r.tags.empty());
  r.locked = BoolParam(p, "locked").value_or(false);
  r.paused = p.contains("active") ? !BoolParam(p, "active").value_or(true) : BoolParam(p, "paused").value_or(false);
  if (p.contains("access_level")) r.access_level = Str(p, "access_level");
  r.maximum_timeout = IntParam(p, "maximum_timeout").value_or(0);
  r.queue_version = tokens_.Hex32();
  auto [it, inserted] = runners_.emplace(r.id, std::move(r));
  return it->second;
}

ManagerRecord& Coordinator::TouchManagerLocked(RunnerRecord& runner, const json& p) {
  std::string system_id = Str(p, "system_id");
  if (system_id.empty()) system_id = "<legacy>";
  ManagerRecord& m = runner.managers[system_id];
  m.system_id = system_id;
  if (p.contains("info") && p["info"].is_object()) m.info = p["info"];
  m.contacted_at = clock_.Now();
  return m;
}

ApiResponse Coordinator::RegisterRunner(const json& p) {
  const std::string token = Str(p, "token");
  if (token.empty()) return ApiResponse::ParamError("token is missing");
  if (std::string e = SettingsError(p); !e.empty()) return ApiResponse::ParamError(e);
  std::lock_guard<std::mutex> l(mu_);
  if (registration_tokens_.empty()) {
    return ApiResponse::Message(410, "runner registration disallowed");
  }
  if (std::find(registration_tokens_.begin(), registration_tokens_.end(), token) == registration_tokens_.end()) {
    return ApiResponse::Message(403, kForbidden);
  }
  RunnerRecord& r = NewRunnerLocked(p, /*created_in_ui=*/false);
  TouchManagerLocked(r, p);
  return ApiResponse::Json(201, Credentials(r));
}

ApiResponse Coordinator::VerifyRunner(const json& p) {
  const std::string token = Str(p, "token");
  if (token.empty()) return ApiResponse::ParamError("token is missing");
  std::lock_guard<std::mutex> l(mu_);
  RunnerRecord* r = FindRunnerLocked(token);
  if (r == nullptr) return ApiResponse::Message(403, kForbidden);
  if (r->created_in_ui && Str(p, "system_id").empty()) return ApiResponse::ParamError("system_id is missing");
  TouchManagerLocked(*r, p);
  return ApiResponse::Json(200, Credentials(*r));
}

ApiResponse Coordinator::DeleteRunner(const json& p) {
  const std::string token = Str(p, "token");
  if (token.empty()) return ApiResponse::ParamError("token is missing");
  std::lock_guard<std::mutex> l(mu_);
  RunnerRecord* r = FindRunnerLocked(token);
  if (r == nullptr) return ApiResponse::Message(403, kForbidden);
  runners_.erase(r->id);
  cv_.notify_all();
  return ApiResponse::Empty(204);
}

ApiResponse Coordinator::DeleteRunnerManager(const json& p) {
  const std::string token = Str(p, "token");
  if (token.empty()) return ApiResponse::ParamError("token is missing");
  const std::string system_id = Str(p, "system_id");
  if (system_id.empty()) return ApiResponse::ParamError("system_id is missing");
  std::lock_guard<std::mutex> l(mu_);
  RunnerRecord* r = FindRunnerLocked(token);
  if (r == nullptr) return ApiResponse::Message(403, kForbidden);
  if (r->managers.erase(system_id) == 0) return ApiResponse::Message(404, "404 Runner manager not found");
  return ApiResponse::Empty(204);
}

ApiResponse Coordinator::ResetRunnerToken(const json& p) {
  const std::string token = Str(p, "token");
  if (token.empty()) return ApiResponse::ParamError("token is missing");
  std::lock_guard<std::mutex> l(mu_);
  RunnerRecord* r = FindRunnerLocked(token);
  if (r == nullptr) return ApiResponse::Message(403, kForbidden);
  r->token = RotatedRunnerToken(tokens_, r->token);
  return ApiResponse::Json(201, {{"token", r->token}, {"token_expires_at", nullptr}});
}

std::string Coordinator::CreateRegistrationToken() {
  std::lock_guard<std::mutex> l(mu_);
  registration_tokens_.push_back(tokens_.RegistrationToken());
  return registration_tokens_.back();
}

ApiResponse Coordinator::CreateRunner(const json& params) {
  json p = params.is_object() ? params : json::object();
  if (std::string e = SettingsError(p); !e.empty()) return ApiResponse::ParamError(e);
  std::lock_guard<std::mutex> l(mu_);
  return ApiResponse::Json(201, Credentials(NewRunnerLocked(p, /*created_in_ui=*/true)));
}

std::vector<RunnerRecord> Coordinator::ListRunners() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<RunnerRecord> out;
  for (const auto& [id, r] : runners_) out.push_back(r);
  return out;
}

}  // namespace coordinator
