#pragma once
// gitlab-runner's feature flags (FF_*) as spotrunner treats them, for [runners.feature_flags]
// at load and for job variables at the start of a job: a flag spotrunner honours is silent
// either way; a flag whose asked-for behaviour spotrunner does not have is named.
#include <optional>
#include <string>
#include <string_view>

namespace config {

// nullopt when spotrunner honours `name` = `value` (or behaves so anyway); otherwise the
// reason, e.g. "is not supported by spotrunner (no timestamps in the job log); ignored".
// Flags gitlab-runner does not know give "is not a gitlab-runner feature flag; ignored".
std::optional<std::string> FeatureFlagProblem(std::string_view name, bool value);

}  // namespace config
