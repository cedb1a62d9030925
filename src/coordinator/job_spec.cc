#include "coordinator/job_spec.h"

#include <cctype>

#include "coordinator/job_spec_parts.h"

namespace coordinator {
namespace {

using nlohmann::json;

util::Status Bad(const std::string& what) { return util::Status::InvalidArgument("job spec: " + what); }

std::string Scalar(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// 3600, "3600", "90s", "10m", "1h 30m".
util::Result<int64_t> ParseTimeout(const json& j) {
  if (j.is_number_integer()) return j.get<int64_t>();
  if (!j.is_string()) return Bad("timeout must be seconds or a duration like \"1h 30m\"");
  const std::string s = j.get<std::string>();
  int64_t total = 0;
  size_t i = 0;
  bool any = false;
  while (i < s.size()) {
    if (s[i] == ' ') { ++i; continue; }
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return Bad("bad timeout \"" + s + "\"");
    int64_t n = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) n = n * 10 + (s[i++] - '0');
    int64_t unit = 1;
    if (i < s.size() && s[i] != ' ') {
      char u = s[i++];
      if (u == 'h') unit = 3600;
      else if (u == 'm') unit = 60;
      else if (u == 's') unit = 1;
      else return Bad("bad timeout \"" + s + "\"");
    }
    total += n * unit;
    any = true;
  }
  if (!any) return Bad("empty timeout");
  return total;
}

util::Result<std::vector<JobVariableSpec>> ParseVariables(const json& j) {
  std::vector<JobVariableSpec> out;
  if (j.is_null()) return out;
  auto one = [&](const std::string& key, const json& v) -> util::Status {
    JobVariableSpec var;
    var.key = key;
    if (v.is_object()) {
      var.value = Scalar(v.value("value", json("")));
      var.masked = v.value("masked", false);
      var.file = v.value("file", false);
      var.raw = v.value("raw", false);
      var.is_public = v.value("public", !var.masked);
    } else {
      var.value = Scalar(v);
    }
    if (var.key.empty()) return Bad("variable without a key");
    out.push_back(var);
    return util::Status::Ok();
  };
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) SR_RETURN_IF_ERROR(one(k, v));
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (!v.is_object() || !v.contains("key") || !v["key"].is_string()) return Bad("variables entries need a key");
      SR_RETURN_IF_ERROR(one(v["key"].get<std::string>(), v));
    }
  } else {
    return Bad("variables must be a mapping or an array");
  }
  return out;
}

util::Result<GitSpec> ParseGit(const json& j) {
  GitSpec g;
  if (j.is_null()) return g;
  if (!j.is_object()) return Bad("git must be a mapping");
  g.repo_url = j.value("repo_url", "");
  g.ref = j.value("ref", g.ref);
  g.ref_type = j.value("ref_type", g.ref_type);
  g.sha = j.value("sha", "");
  g.before_sha = j.value("before_sha", g.before_sha);
  g.depth = j.value("depth", g.depth);
  g.protected_ref = j.value("protected", g.protected_ref);
  if (j.contains("projects")) {
    const json& p = j["projects"];
    if (!p.is_object()) return Bad("git.projects must map project paths to local repositories");
    for (const auto& [path, repo] : p.items()) {
      if (!repo.is_string() || path.find('/') == std::string::npos) {
        return Bad("git.projects." + path + " must be a local repository of a project path \"group/name\"");
      }
      g.projects[path] = repo.get<std::string>();
    }
  }
  if (g.ref_type != "branch" && g.ref_type != "tag") return Bad("git.ref_type must be branch or tag");
  if (g.depth < 0) return Bad("git.depth must be >= 0");
  return g;
}

util::Status ParseAllowFailure(const json& j, JobSpec& spec) {
  if (j.is_null()) return util::Status::Ok();
  if (j.is_boolean()) {
    spec.allow_failure = j.get<bool>();
    return util::Status::Ok();
  }
  if (j.is_object() && j.contains("exit_codes")) {
    const json& c = j["exit_codes"];
    if (c.is_number_integer()) spec.allow_failure_exit_codes.push_back(c.get<int>());
    else if (c.is_array()) spec.allow_failure_exit_codes = c.get<std::vector<int>>();
    else return Bad("allow_failure.exit_codes must be an integer or a list");
    return util::Status::Ok();
  }
  return Bad("allow_failure must be a boolean or {exit_codes}");
}

}  // namespace

util::Result<JobSpec> ParseJobSpec(const json& j) {
  if (!j.is_object()) return Bad("must be a JSON object");
  try {
    JobSpec s;
    s.name = j.value("name", s.name);
    s.stage = j.value("stage", s.stage);
    auto script = ParseScriptLines(j.value("script", json()), "script");
    if (!script.ok()) return script.status();
    s.script = *script;
    if (s.script.empty()) return Bad("script is required");
    auto before = ParseScriptLines(j.value("before_script", json()), "before_script");
    if (!before.ok()) return before.status();
    s.before_script = *before;
    auto after = ParseScriptLines(j.value("after_script", json()), "after_script");
    if (!after.ok()) return after.status();
    s.after_script = *after;
    auto image = NormalizeImage(j.value("image", json()));
    if (!image.ok()) return image.status();
    s.image = *image;
    auto services = NormalizeServices(j.value("services", json()));
    if (!services.ok()) return services.status();
    s.services = *services;
    auto vars = ParseVariables(j.value("variables", json()));
    if (!vars.ok()) return vars.status();
    s.variables = *vars;
    auto tags = ParseScriptLines(j.value("tags", json()), "tags");
    if (!tags.ok()) return tags.status();
    s.tags = *tags;
    if (j.contains("timeout")) {
      auto t = ParseTimeout(j["timeout"]);
      if (!t.ok()) return t.status();
      s.timeout_seconds = *t;
    }
    auto git = ParseGit(j.value("git", json()));
    if (!git.ok()) return git.status();
    s.git = *git;
    auto artifacts = NormalizeArtifacts(j.value("artifacts", json()));
    if (!artifacts.ok()) return artifacts.status();
    s.artifacts = *artifacts;
    auto cache = NormalizeCache(j.value("cache", json()));
    if (!cache.ok()) return cache.status();
    s.cache = *cache;
    s.dependencies = j.value("dependencies", json::array());
    if (!s.dependencies.is_array()) return Bad("dependencies must be an array");
    SR_RETURN_IF_ERROR(ParseAllowFailure(j.value("allow_failure", json()), s));
    s.secrets = j.value("secrets", json());
    // GitLab's `credentials[]` (its container registry's, with the job token): given as the
    // payload carries them.
    s.credentials = j.value("credentials", json::array());
    if (!s.credentials.is_array()) return Bad("credentials must be an array");
    if (j.contains("hooks")) {
      if (!j["hooks"].is_object()) return Bad("hooks must be a mapping");
      s.hooks = json::array();
      for (const auto& [name, lines] : j["hooks"].items()) {
        auto l = ParseScriptLines(lines, "hooks." + name);
        if (!l.ok()) return l.status();
        s.hooks.push_back({{"name", name}, {"script", *l}});
      }
    }
    if (j.contains("project")) {
      s.project_id = j["project"].value("id", s.project_id);
      s.project_path = j["project"].value("path", s.project_path);
    }
    if (s.project_path.find('/') == std::string::npos) return Bad("project.path must be namespace/name");
    s.pipeline_id = j.value("pipeline_id", int64_t{0});
    return s;
  } catch (const json::exception& e) {
    return Bad(std::string("wrong type: ") + e.what());
  }
}

std::vector<std::string> RequiredRunnerFeatures(const JobSpec& spec) {
  std::vector<std::string> out;
  bool reports = false, exclude = false;
  for (const auto& a : spec.artifacts) {
    if (a.value("artifact_type", "archive") != "archive") reports = true;
    if (a.contains("exclude") && !a["exclude"].empty()) exclude = true;
  }
  if (reports) out.push_back("upload_multiple_artifacts");
  if (spec.git.ref.rfind("refs/merge-requests/", 0) == 0) out.push_back("refspecs");
  if (exclude) out.push_back("artifacts_exclude");
  if (!spec.allow_failure_exit_codes.empty()) out.push_back("return_exit_code");
  for (const auto& c : spec.cache) {
    if (c.contains("fallback_keys")) {
      out.push_back("fallback_cache_keys");
      break;
    }
  }
  if (spec.secrets.is_object() && !spec.secrets.empty()) out.push_back("vault_secrets");
  return out;
}

}  // namespace coordinator
