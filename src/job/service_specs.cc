#include "job/service_specs.h"

namespace job {
namespace {

// "KEY=VALUE" of the job's public variables, then the service's own, expanded.
std::vector<std::string> ServiceEnv(const JobVariables& vars, const std::vector<Variable>& own) {
  std::vector<std::string> env;
  for (const Variable& v : vars.Resolved()) {
    if (v.is_public) env.push_back(v.key + "=" + v.value);
  }
  JobVariables source = vars;
  for (const Variable& v : own) source.Set(v);
  for (const Variable& v : own) env.push_back(v.key + "=" + (v.raw ? v.value : source.Expand(v.value)));
  return env;
}

}  // namespace

std::vector<executor::ServiceSpec> ServiceSpecs(const gitlab::JobPayload& job, const config::RunnerConfig& runner,
                                                const JobVariables& vars) {
  std::vector<executor::ServiceSpec> out;
  for (const config::DockerService& s : runner.docker.services) {
    executor::ServiceSpec spec;
    spec.name = vars.Expand(s.name);
    spec.alias = vars.Expand(s.alias);
    if (!s.entrypoint.empty()) spec.entrypoint = s.entrypoint;
    spec.command = s.command;
    std::vector<Variable> own;
    for (const std::string& kv : s.environment) {
      size_t eq = kv.find('=');
      if (eq == std::string::npos || eq == 0) continue;  // gitlab-runner skips what it cannot parse
      own.push_back(Variable{kv.substr(0, eq), kv.substr(eq + 1), false});
    }
    spec.env = ServiceEnv(vars, own);
    spec.from_config = true;
    out.push_back(std::move(spec));
  }
  for (const gitlab::Image& s : job.services) {
    executor::ServiceSpec spec;
    spec.name = vars.Expand(s.name);
    spec.alias = vars.Expand(s.alias);
    spec.entrypoint = s.entrypoint;
    if (s.command) spec.command = *s.command;
    spec.env = ServiceEnv(vars, s.variables);
    spec.pull_policy = s.pull_policy;
    spec.platform = s.docker_platform;
    spec.user = vars.Expand(s.docker_user);
    out.push_back(std::move(spec));
  }
  return out;
}

}  // namespace job
