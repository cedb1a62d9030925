#include "executor/docker/pull_policy.h"

#include <algorithm>

namespace executor::docker {
namespace {

std::string List(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? " " : "") + v[i];
  return out + "]";
}

util::Result<PullPolicy> Parse(const std::string& name) {
  if (name == "always") return PullPolicy::kAlways;
  if (name == "if-not-present") return PullPolicy::kIfNotPresent;
  if (name == "never") return PullPolicy::kNever;
  return util::Status::InvalidArgument("unsupported pull_policy \"" + name +
                                       "\" (want always, if-not-present or never)");
}

}  // namespace

const char* PullPolicyName(PullPolicy p) {
  switch (p) {
    case PullPolicy::kAlways: return "always";
    case PullPolicy::kIfNotPresent: return "if-not-present";
    case PullPolicy::kNever: return "never";
  }
  return "always";
}

util::Result<std::vector<PullPolicy>> ResolvePullPolicies(const config::DockerConfig& docker,
                                                          const std::vector<std::string>& from_job) {
  std::vector<std::string> runner = docker.pull_policy.empty() ? std::vector<std::string>{"always"} : docker.pull_policy;
  std::vector<std::string> allowed = docker.allowed_pull_policies.empty() ? runner : docker.allowed_pull_policies;
  bool job = !from_job.empty();
  const std::vector<std::string>& chosen = job ? from_job : runner;
  for (const std::string& name : chosen) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return util::Status::InvalidArgument("pull_policy " + List(chosen) + " defined in " +
                                           (job ? "GitLab pipeline config" : "Runner config") +
                                           " is not one of the allowed_pull_policies " + List(allowed));
    }
  }
  std::vector<PullPolicy> out;
  for (const std::string& name : chosen) {
    auto p = Parse(name);
    if (!p.ok()) return p.status();
    out.push_back(*p);
  }
  return out;
}

}  // namespace executor::docker
