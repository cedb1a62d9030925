#pragma once
// Checks on a loaded model that no single key can make: limits, executors, autoscaler sizes.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "util/status.h"

namespace config {

// The executors spotrunner runs: shell, docker, docker+machine, docker-autoscaler, instance.
bool IsSupportedExecutor(std::string_view executor);
// Executors gitlab-runner knows (the supported ones plus kubernetes, ssh, custom, ...).
bool IsKnownExecutor(std::string_view executor);
// "shell, docker, docker+machine, docker-autoscaler, instance"
const char* SupportedExecutorList();

// OK when spotrunner can run jobs for this runner; otherwise kUnimplemented naming the runner
// and the executor, e.g. `runner "x": executor "ssh" is not supported by spotrunner ...`.
util::Status CheckRunnerSupported(const RunnerConfig& runner);

struct Problem {
  std::string where;    // the offending value: "concurrent", "runners[0].autoscaler.policy[1].idle_count"
  std::string message;  // for people; names the runner when it is about one
  bool fatal = true;    // false: a warning, the config still loads
};

// All problems of `config`, in file order. Fatal: concurrent <= 0; a runner without executor
// or with one gitlab-runner does not know; autoscaler capacity_per_instance < 1 or
// max_instances < 0; a policy idle_count above max_instances * capacity_per_instance (when
// max_instances > 0); a fleet_policy other than default, docker-machine or taskscaler.
// Warnings: an executor gitlab-runner knows but spotrunner does not run.
std::vector<Problem> CheckConfig(const Config& config);

// The first fatal problem as kInvalidArgument "<where>: <message>", else OK. For configs built
// in code (register); parsed configs are checked by ParseConfig with file positions.
util::Status ValidateConfig(const Config& config);

}  // namespace config
