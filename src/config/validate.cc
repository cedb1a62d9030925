#include "config/validate.h"

#include <array>

#include "config/duration.h"
#include "config/validate_docker.h"

namespace config {
namespace {

constexpr std::array<std::string_view, 5> kSupported = {"shell", "docker", "docker+machine", "docker-autoscaler",
                                                        "instance"};
constexpr std::array<std::string_view, 8> kKnownOnly = {"docker-windows", "kubernetes", "ssh",       "parallels",
                                                        "virtualbox",     "custom",     "docker-ssh", "docker-ssh+machine"};

std::string RunnerLabel(const RunnerConfig& r, size_t index) {
  if (r.name.empty()) return "runner #" + std::to_string(index + 1);
  return "runner \"" + r.name + "\"";
}

bool UsesAutoscaler(const RunnerConfig& r) {
  return r.has_autoscaler || r.executor == "docker-autoscaler" || r.executor == "instance";
}

void CheckAutoscaler(const RunnerConfig& r, const std::string& id, const std::string& label,
                     std::vector<Problem>* out) {
  const AutoscalerConfig& a = r.autoscaler;
  if (a.capacity_per_instance < 1) {
    out->push_back({id + ".autoscaler.capacity_per_instance",
                    label + ": capacity_per_instance must be at least 1, got " + std::to_string(a.capacity_per_instance)});
  }
  if (a.max_instances < 0) {
    out->push_back({id + ".autoscaler.max_instances",
                    label + ": max_instances must not be negative, got " + std::to_string(a.max_instances)});
  }
  if (a.dead_man_switch_timeout.count() != 0 && a.dead_man_switch_timeout < std::chrono::seconds(5)) {
    out->push_back({id + ".autoscaler.dead_man_switch_timeout",
                    label + ": dead_man_switch_timeout must be 0 (off) or at least 5s, got " +
                        FormatGoDuration(a.dead_man_switch_timeout)});
  }
  if (!a.connector.protocol.empty() && a.connector.protocol != "ssh") {
    out->push_back({id + ".autoscaler.connector_config.protocol",
                    label + ": key \"runners.autoscaler.connector_config.protocol\" is not supported by spotrunner "
                            "with value \"" + a.connector.protocol + "\" (instances are reached over ssh)",
                    false});
  }
  if (a.max_instances <= 0 || a.capacity_per_instance < 1) return;
  int64_t most = int64_t{a.max_instances} * a.capacity_per_instance;
  for (size_t j = 0; j < a.policies.size(); ++j) {
    const AutoscalerPolicy& p = a.policies[j];
    if (p.idle_count <= most) continue;
    out->push_back({id + ".autoscaler.policy[" + std::to_string(j) + "].idle_count",
                    label + ": policy #" + std::to_string(j + 1) + " idle_count " + std::to_string(p.idle_count) +
                        " can never be reached: max_instances (" + std::to_string(a.max_instances) +
                        ") * capacity_per_instance (" + std::to_string(a.capacity_per_instance) + ") = " +
                        std::to_string(most)});
  }
}

// The names fleet::ParsePolicyKind takes (config/ does not depend on fleet/).
bool IsFleetPolicy(std::string_view p) {
  for (std::string_view k : {"", "default", "docker-machine", "docker+machine", "taskscaler", "docker-autoscaler"}) {
    if (p == k) return true;
  }
  return false;
}

}  // namespace

bool IsSupportedExecutor(std::string_view executor) {
  for (auto e : kSupported) {
    if (e == executor) return true;
  }
  return false;
}

bool IsKnownExecutor(std::string_view executor) {
  if (IsSupportedExecutor(executor)) return true;
  for (auto e : kKnownOnly) {
    if (e == executor) return true;
  }
  return false;
}

const char* SupportedExecutorList() { return "shell, docker, docker+machine, docker-autoscaler, instance"; }

util::Status CheckRunnerSupported(const RunnerConfig& runner) {
  if (IsSupportedExecutor(runner.executor)) return util::Status::Ok();
  std::string label = runner.name.empty() ? "runner" : "runner \"" + runner.name + "\"";
  return util::Status::Unimplemented(label + ": executor \"" + runner.executor +
                                     "\" is not supported by spotrunner (supported: " + SupportedExecutorList() + ")");
}

std::vector<Problem> CheckConfig(const Config& config) {
  std::vector<Problem> out;
  if (config.concurrent <= 0) {
    out.push_back({"concurrent", "concurrent must be greater than 0, got " + std::to_string(config.concurrent)});
  }
  for (size_t i = 0; i < config.runners.size(); ++i) {
    const RunnerConfig& r = config.runners[i];
    std::string id = "runners[" + std::to_string(i) + "]";
    std::string label = RunnerLabel(r, i);
    if (r.executor.empty()) {
      out.push_back({id + ".executor", label + ": executor is not set (allowed: " + SupportedExecutorList() + ")"});
    } else if (!IsKnownExecutor(r.executor)) {
      out.push_back({id + ".executor", label + ": unknown executor \"" + r.executor + "\" (allowed: " +
                                           SupportedExecutorList() + ")"});
    } else if (!IsSupportedExecutor(r.executor)) {
      out.push_back({id + ".executor",
                     label + ": executor \"" + r.executor + "\" is not supported by spotrunner (supported: " +
                         SupportedExecutorList() + "); this runner will not take jobs",
                     false});
    }
    if (UsesAutoscaler(r)) CheckAutoscaler(r, id, label, &out);
    CheckDocker(r.docker, id, label, &out);
    if (!IsFleetPolicy(r.fleet_policy)) {
      out.push_back({id + ".fleet_policy", label + ": unknown fleet_policy \"" + r.fleet_policy +
                                                "\" (want default, docker-machine or taskscaler)"});
    }
  }
  return out;
}

util::Status ValidateConfig(const Config& config) {
  for (const Problem& p : CheckConfig(config)) {
    if (p.fatal) return util::Status::InvalidArgument(p.where + ": " + p.message);
  }
  return util::Status::Ok();
}

}  // namespace config
