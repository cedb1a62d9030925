#include "job/variables.h"

#include "config/expand_env.h"

#include <algorithm>
#include <unordered_map>

namespace job {
namespace {

// Deep enough for any real chain; stops reference cycles (A=$B, B=$A).
constexpr int kMaxDepth = 16;

void Add(std::vector<Variable>& out, std::string key, std::string value, bool is_public = true) {
  out.push_back(Variable{std::move(key), std::move(value), is_public});
}

}  // namespace

std::optional<bool> ParseGoBool(std::string_view s) {
  static const char* kTrue[] = {"1", "t", "T", "TRUE", "true", "True"};
  static const char* kFalse[] = {"0", "f", "F", "FALSE", "false", "False"};
  for (const char* t : kTrue) if (s == t) return true;
  for (const char* f : kFalse) if (s == f) return false;
  return std::nullopt;
}

JobVariables JobVariables::Build(const gitlab::JobPayload& job, const config::RunnerConfig& runner,
                                 const RunnerContext& ctx) {
  JobVariables v;
  auto& out = v.all_;
  // Feature flags this runner knows, with their defaults, overridden by config.toml.
  std::vector<std::pair<std::string, bool>> flags = {
      {"FF_MASK_ALL_DEFAULT_TOKENS", true}, {"FF_SCRIPT_SECTIONS", false}, {"FF_TIMESTAMPS", false},
      {"FF_NETWORK_PER_BUILD", false}, {"FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", false}};
  for (auto& [name, value] : flags) {
    auto it = runner.feature_flags.find(name);
    if (it != runner.feature_flags.end()) value = it->second;
    Add(out, name, value ? "true" : "false");
  }
  if (job.image && !job.image->name.empty()) Add(out, "CI_JOB_IMAGE", job.image->name);
  Add(out, "CI_RUNNER_SHORT_TOKEN", ctx.short_token);
  for (const auto& kv : runner.environment) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    Add(out, kv.substr(0, eq), kv.substr(eq + 1));
  }
  if (!ctx.tls_ca_pem.empty()) {
    Variable ca{"CI_SERVER_TLS_CA_FILE", ctx.tls_ca_pem, true};
    ca.file = true;
    ca.raw = true;
    out.push_back(std::move(ca));
  }
  Add(out, "CI_BUILDS_DIR", ctx.builds_dir);
  Add(out, "CI_PROJECT_DIR", ctx.project_dir);
  Add(out, "CI_CONCURRENT_ID", std::to_string(ctx.concurrent_id));
  Add(out, "CI_CONCURRENT_PROJECT_ID", std::to_string(ctx.concurrent_project_id));
  Add(out, "CI_SERVER", "yes");
  Add(out, "CI_JOB_STATUS", "running");
  int64_t timeout = job.runner_info.timeout > 0 ? job.runner_info.timeout : kDefaultJobTimeoutSeconds;
  Add(out, "CI_JOB_TIMEOUT", std::to_string(timeout));
  for (const auto& jv : job.variables) out.push_back(jv);
  if (ctx.shared_environment) {
    Add(out, "CI_SHARED_ENVIRONMENT", "true");
  } else {
    Add(out, "CI_DISPOSABLE_ENVIRONMENT", "true");
  }
  Add(out, "CI_RUNNER_VERSION", ctx.runner_version);
  Add(out, "CI_RUNNER_REVISION", ctx.runner_revision);
  Add(out, "CI_RUNNER_EXECUTABLE_ARCH", ctx.executable_arch);
  Add(out, "RUNNER_TEMP_PROJECT_DIR", ctx.project_dir + ".tmp");
  if (!job.token.empty()) v.extra_secrets_.push_back(job.token);
  return v;
}

void JobVariables::Set(Variable v) { all_.push_back(std::move(v)); }

const Variable* JobVariables::Find(std::string_view key) const {
  for (auto it = all_.rbegin(); it != all_.rend(); ++it) {
    if (it->key == key) return &*it;
  }
  return nullptr;
}

std::string JobVariables::ValueOf(const Variable& v, int depth) const {
  if (v.file) return FilePath(v.key);
  if (v.raw) return v.value;
  return ExpandDepth(v.value, depth + 1);
}

std::string JobVariables::ExpandDepth(std::string_view text, int depth) const {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  // Go's os.Expand rules (config::ExpandEnv), looking names up in this job's variables;
  // "$$" gives "$" as in gitlab-runner.
  return config::ExpandEnv(text, [&](const std::string& name) -> std::optional<std::string> {
    if (name == "$") return std::string("$");
    const Variable* v = Find(name);
    if (v == nullptr || depth >= kMaxDepth) return std::nullopt;
    return ValueOf(*v, depth);
  });
}

std::string JobVariables::Expand(std::string_view text) const { return ExpandDepth(text, 0); }

std::optional<std::string> JobVariables::Get(std::string_view key) const {
  const Variable* v = Find(key);
  if (v == nullptr) return std::nullopt;
  return ValueOf(*v, 0);
}

std::string JobVariables::GetOr(std::string_view key, std::string_view fallback) const {
  auto v = Get(key);
  return v ? *v : std::string(fallback);
}

bool JobVariables::GetBool(std::string_view key, bool fallback) const {
  auto v = Get(key);
  if (!v) return fallback;
  auto b = ParseGoBool(*v);
  return b ? *b : fallback;
}

std::vector<Variable> JobVariables::Resolved() const {
  std::unordered_map<std::string_view, size_t> last;
  for (size_t i = 0; i < all_.size(); ++i) last[all_[i].key] = i;
  std::vector<Variable> out;
  for (size_t i = 0; i < all_.size(); ++i) {
    if (last[all_[i].key] != i) continue;
    Variable v = all_[i];
    if (!v.raw) v.value = Expand(v.value);
    out.push_back(std::move(v));
  }
  return out;
}

std::string JobVariables::TempDir() const {
  const Variable* v = Find("RUNNER_TEMP_PROJECT_DIR");
  if (v != nullptr) return v->value;
  const Variable* p = Find("CI_PROJECT_DIR");
  return (p != nullptr ? p->value : std::string()) + ".tmp";
}

std::string JobVariables::FilePath(std::string_view key) const { return TempDir() + "/" + std::string(key); }

std::vector<std::string> JobVariables::MaskedValues() const {
  std::vector<std::string> out = extra_secrets_;
  for (const auto& v : all_) {
    if (!v.masked) continue;
    out.push_back(v.value);
    if (!v.raw && !v.file) {
      std::string e = Expand(v.value);
      if (e != v.value) out.push_back(std::move(e));
    }
  }
  return out;
}

}  // namespace job
