#include "coordinator/job_spec_parts.h"

#include <map>

namespace coordinator {
namespace {

using nlohmann::json;

util::Status Bad(const std::string& what) { return util::Status::InvalidArgument("job spec: " + what); }

// Report type → {artifact_format, default file name}, as Ci::JobArtifact defines them.
const std::map<std::string, std::pair<std::string, std::string>>& ReportKinds() {
  static const std::map<std::string, std::pair<std::string, std::string>> k = {
      {"junit", {"gzip", "junit.xml"}},
      {"metrics", {"gzip", "metrics.txt"}},
      {"dotenv", {"gzip", ".env"}},
      {"cobertura", {"gzip", "cobertura-coverage.xml"}},
      {"jacoco", {"gzip", "jacoco.xml"}},
      {"cyclonedx", {"gzip", "gl-sbom.cdx.json"}},
      {"annotations", {"gzip", "gl-annotations.json"}},
      {"lsif", {"zip", "lsif.json"}},
      {"sast", {"raw", "gl-sast-report.json"}},
      {"secret_detection", {"raw", "gl-secret-detection-report.json"}},
      {"dependency_scanning", {"raw", "gl-dependency-scanning-report.json"}},
      {"container_scanning", {"raw", "gl-container-scanning-report.json"}},
      {"dast", {"raw", "gl-dast-report.json"}},
      {"codequality", {"raw", "gl-code-quality-report.json"}},
      {"terraform", {"raw", "tfplan.json"}},
      {"accessibility", {"raw", "gl-accessibility.json"}},
      {"browser_performance", {"raw", "browser-performance.json"}},
      {"load_performance", {"raw", "load-performance.json"}},
      {"requirements", {"raw", "requirements.json"}},
      {"api_fuzzing", {"raw", "gl-api-fuzzing-report.json"}},
      {"coverage_fuzzing", {"raw", "gl-coverage-fuzzing.json"}},
  };
  return k;
}

util::Result<json> StringList(const json& j, const std::string& key) {
  if (j.is_null()) return json::array();
  if (j.is_string()) return json::array({j});
  if (!j.is_array()) return Bad(key + " must be a string or an array of strings");
  for (const auto& e : j) {
    if (!e.is_string()) return Bad(key + " must contain only strings");
  }
  return j;
}

util::Result<json> Ports(const json& j) {
  json out = json::array();
  if (j.is_null()) return out;
  if (!j.is_array()) return Bad("ports must be an array");
  for (const auto& p : j) {
    if (p.is_number_integer()) {
      out.push_back({{"number", p}, {"protocol", "http"}, {"name", nullptr}});
    } else if (p.is_object() && p.contains("number")) {
      out.push_back({{"number", p["number"]}, {"protocol", p.value("protocol", "http")},
                     {"name", p.value("name", json())}});
    } else {
      return Bad("ports entries must be numbers or {number, protocol, name}");
    }
  }
  return out;
}

// The fields image and service objects share (Entities::Ci::JobRequest::Image).
util::Result<json> ImageLike(const json& j, const std::string& what) {
  json in = j.is_string() ? json{{"name", j}} : j;
  if (!in.is_object() || !in.contains("name") || !in["name"].is_string()) {
    return Bad(what + " needs a name");
  }
  json out = {{"name", in["name"]}, {"entrypoint", nullptr}, {"executor_opts", json::object()},
              {"ports", json::array()}, {"pull_policy", nullptr}};
  if (in.contains("entrypoint") && !in["entrypoint"].is_null()) {
    auto e = StringList(in["entrypoint"], what + ".entrypoint");
    if (!e.ok()) return e.status();
    out["entrypoint"] = *e;
  }
  if (in.contains("executor_opts")) out["executor_opts"] = in["executor_opts"];
  for (const char* k : {"docker", "kubernetes"}) {
    if (in.contains(k)) out["executor_opts"][k] = in[k];
  }
  if (in.contains("pull_policy") && !in["pull_policy"].is_null()) {
    auto p = StringList(in["pull_policy"], what + ".pull_policy");
    if (!p.ok()) return p.status();
    out["pull_policy"] = *p;
  }
  auto ports = Ports(in.value("ports", json()));
  if (!ports.ok()) return ports.status();
  out["ports"] = *ports;
  return out;
}

}  // namespace

util::Result<std::vector<std::string>> ParseScriptLines(const json& j, const std::string& key) {
  auto l = StringList(j, key);
  if (!l.ok()) return l.status();
  return l->get<std::vector<std::string>>();
}

util::Result<json> NormalizeImage(const json& j) {
  if (j.is_null()) return json();
  return ImageLike(j, "image");
}

util::Result<json> NormalizeServices(const json& j) {
  json out = json::array();
  if (j.is_null()) return out;
  if (!j.is_array()) return Bad("services must be an array");
  for (const auto& s : j) {
    auto base = ImageLike(s, "service");
    if (!base.ok()) return base.status();
    json svc = *base;
    svc["alias"] = s.is_object() ? s.value("alias", json()) : json();
    svc["command"] = nullptr;
    svc["variables"] = json::array();
    if (s.is_object() && s.contains("command") && !s["command"].is_null()) {
      auto c = StringList(s["command"], "service.command");
      if (!c.ok()) return c.status();
      svc["command"] = *c;
    }
    if (s.is_object() && s.contains("variables")) {
      const json& v = s["variables"];
      if (v.is_object()) {
        for (const auto& [k, val] : v.items()) {
          svc["variables"].push_back({{"key", k}, {"value", val.is_string() ? val.get<std::string>() : val.dump()}});
        }
      } else if (v.is_array()) {
        svc["variables"] = v;
      } else {
        return Bad("service.variables must be a mapping or an array");
      }
    }
    out.push_back(svc);
  }
  return out;
}

util::Result<json> NormalizeArtifacts(const json& j) {
  if (j.is_null()) return json::array();
  if (j.is_array()) return j;  // already in payload shape
  if (!j.is_object()) return Bad("artifacts must be an object or an array");
  json out = json::array();
  if (j.contains("paths") || j.value("untracked", false)) {
    json a = {{"name", j.value("name", json())},
              {"paths", j.value("paths", json::array())},
              {"when", j.value("when", "on_success")},
              {"expire_in", j.value("expire_in", json())},
              {"artifact_type", "archive"},
              {"artifact_format", "zip"}};
    if (j.contains("untracked")) a["untracked"] = j["untracked"];
    if (j.contains("exclude") && !j["exclude"].empty()) a["exclude"] = j["exclude"];
    out.push_back(a);
  }
  if (j.contains("reports")) {
    if (!j["reports"].is_object()) return Bad("artifacts.reports must be a mapping");
    for (const auto& [type, paths] : j["reports"].items()) {
      auto it = ReportKinds().find(type);
      std::string format = it == ReportKinds().end() ? "raw" : it->second.first;
      std::string name = it == ReportKinds().end() ? type : it->second.second;
      auto p = StringList(paths, "artifacts.reports." + type);
      if (!p.ok()) return p.status();
      out.push_back({{"name", name}, {"paths", *p}, {"when", "always"},
                     {"expire_in", j.value("expire_in", json())},
                     {"artifact_type", type}, {"artifact_format", format}});
    }
  }
  return out;
}

util::Result<json> NormalizeCache(const json& j) {
  if (j.is_null()) return json::array();
  json list = j.is_array() ? j : json::array({j});
  json out = json::array();
  for (const auto& c : list) {
    if (!c.is_object()) return Bad("cache entries must be mappings");
    if (c.contains("key") && !c["key"].is_string()) return Bad("cache.key must be a string");
    auto paths = StringList(c.value("paths", json()), "cache.paths");
    if (!paths.ok()) return paths.status();
    json e = {{"key", c.value("key", "default")},
              {"untracked", c.value("untracked", false)},
              {"paths", *paths},
              {"policy", c.value("policy", "pull-push")},
              {"when", c.value("when", "on_success")}};
    if (c.contains("fallback_keys") && !c["fallback_keys"].empty()) {
      auto fk = StringList(c["fallback_keys"], "cache.fallback_keys");
      if (!fk.ok()) return fk.status();
      e["fallback_keys"] = *fk;
    }
    out.push_back(e);
  }
  return out;
}

}  // namespace coordinator
