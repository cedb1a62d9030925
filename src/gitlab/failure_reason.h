#pragma once
// Failure reasons sent in the final PUT /jobs/:id (protocol reference §6).
#include <string>
#include <string_view>
#include <vector>

namespace gitlab {

// Reasons a runner produces itself (GitLab enum names, plus runner-internal ones).
inline constexpr std::string_view kScriptFailure = "script_failure";
inline constexpr std::string_view kRunnerSystemFailure = "runner_system_failure";
inline constexpr std::string_view kJobExecutionTimeout = "job_execution_timeout";
inline constexpr std::string_view kUnknownFailure = "unknown_failure";
inline constexpr std::string_view kImagePullFailure = "image_pull_failure";
inline constexpr std::string_view kRunnerConfigurationError = "runner_configuration_error";
inline constexpr std::string_view kRunnerExternalDependencyFailure = "runner_external_dependency_failure";
inline constexpr std::string_view kRunnerInterrupted = "runner_interrupted";

// Maps the runner's internal reason to one this GitLab accepts, given GitLab's
// `features.failure_reasons` list from the job payload:
//   ""                                   -> "script_failure"
//   in `supported`, or one of script_failure / runner_system_failure /
//   job_execution_timeout                -> unchanged
//   image_pull_failure                   -> runner_system_failure
//   runner_configuration_error           -> script_failure
//   runner_external_dependency_failure   -> runner_system_failure
//   runner_interrupted                   -> unknown_failure
//   anything else                        -> unknown_failure
std::string MapFailureReason(std::string_view reason, const std::vector<std::string>& supported);

}  // namespace gitlab
