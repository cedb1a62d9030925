#include "coordinator/payload.h"

#include "coordinator/failure_reasons.h"

namespace coordinator {
namespace {

using nlohmann::json;

json VariableJson(const JobVariableSpec& v) {
  json j = {{"key", v.key}, {"value", v.value}, {"public", v.is_public}, {"masked", v.masked}};
  if (v.file) j["file"] = true;
  if (v.raw) j["raw"] = true;
  return j;
}

int EffectiveDepth(const JobSpec& spec) {
  for (auto it = spec.variables.rbegin(); it != spec.variables.rend(); ++it) {
    if (it->key == "GIT_DEPTH") {
      try {
        return std::stoi(it->value);
      } catch (...) {
        return spec.git.depth;
      }
    }
  }
  return spec.git.depth;
}

json Refspecs(const JobSpec& spec, int64_t pipeline_id, int depth) {
  json r = json::array();
  r.push_back("+refs/pipelines/" + std::to_string(pipeline_id) + ":refs/pipelines/" + std::to_string(pipeline_id));
  const std::string& ref = spec.git.ref;
  if (ref.rfind("refs/", 0) == 0) return r;  // merge-request refs: the pipeline ref is enough
  if (depth > 0) {
    if (spec.git.ref_type == "tag") r.push_back("+refs/tags/" + ref + ":refs/tags/" + ref);
    else r.push_back("+refs/heads/" + ref + ":refs/remotes/origin/" + ref);
  } else {
    r.push_back("+refs/heads/*:refs/remotes/origin/*");
    r.push_back("+refs/tags/*:refs/tags/*");
  }
  return r;
}

json Steps(const JobSpec& spec, int64_t timeout) {
  json steps = json::array();
  std::vector<std::string> main = spec.before_script;
  main.insert(main.end(), spec.script.begin(), spec.script.end());
  steps.push_back({{"name", "script"}, {"script", main}, {"timeout", timeout},
                   {"when", "on_success"}, {"allow_failure", spec.allow_failure}});
  if (!spec.after_script.empty()) {
    steps.push_back({{"name", "after_script"}, {"script", spec.after_script}, {"timeout", timeout},
                     {"when", "always"}, {"allow_failure", true}});
  }
  return steps;
}

json Cache(const JobSpec& spec) {
  const std::string suffix = spec.git.protected_ref ? "-protected" : "-non_protected";
  json out = spec.cache;
  for (auto& c : out) {
    c["key"] = c.value("key", "default") + suffix;
    if (c.contains("fallback_keys")) {
      for (auto& k : c["fallback_keys"]) k = k.get<std::string>() + suffix;
    }
  }
  return out;
}

}  // namespace

std::string CredentialedUrl(const std::string& url, const std::string& token) {
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  return url.substr(0, scheme + 3) + "gitlab-ci-token:" + token + "@" + url.substr(scheme + 3);
}

std::string Slugify(const std::string& s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    out.push_back(ok ? l : '-');
  }
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

json BuildJobPayload(const PayloadContext& ctx) {
  const JobRecord& job = *ctx.job;
  const JobSpec& spec = job.spec;
  const std::string project_name = spec.project_path.substr(spec.project_path.rfind('/') + 1);
  const int depth = EffectiveDepth(spec);

  json vars = PredefinedVariables(ctx);
  for (const auto& v : spec.variables) vars.push_back(VariableJson(v));

  json features = {{"trace_sections", true}, {"failure_reasons", FailureReasons()}};
  if (!ctx.token_mask_prefixes.empty()) features["token_mask_prefixes"] = ctx.token_mask_prefixes;

  json p = {
      {"id", job.id},
      {"token", job.token},
      {"allow_git_fetch", true},
      {"job_info",
       {{"id", job.id},
        {"name", spec.name},
        {"stage", spec.stage},
        {"pipeline_id", job.pipeline_id},
        {"project_id", spec.project_id},
        {"project_name", project_name},
        {"project_full_path", spec.project_path},
        {"time_in_queue_seconds", ctx.time_in_queue_seconds},
        {"project_jobs_running_on_instance_runners_count", "+Inf"},
        {"queue_size", ctx.queue_size},
        {"queue_depth", ctx.queue_size}}},
      {"git_info",
       {{"repo_url", CredentialedUrl(ctx.repo_url, job.token)},
        {"ref", spec.git.ref},
        {"sha", spec.git.sha},
        {"before_sha", spec.git.before_sha},
        {"ref_type", spec.git.ref_type},
        {"refspecs", Refspecs(spec, job.pipeline_id, depth)},
        {"depth", depth},
        {"repo_object_format", spec.git.sha.size() == 64 ? "sha256" : "sha1"},
        {"protected", spec.git.protected_ref}}},
      {"runner_info", {{"timeout", ctx.timeout_seconds}, {"runner_session_url", nullptr}}},
      {"variables", vars},
      {"steps", Steps(spec, ctx.timeout_seconds)},
      {"image", spec.image},
      {"services", spec.services},
      {"artifacts", spec.artifacts},
      {"cache", Cache(spec)},
      {"credentials", spec.credentials},
      {"dependencies", ctx.dependencies},
      {"features", features},
  };
  if (spec.hooks.is_array()) p["hooks"] = spec.hooks;
  if (spec.secrets.is_object()) p["secrets"] = spec.secrets;
  return p;
}

}  // namespace coordinator
