#pragma once
// Normalisers for the .gitlab-ci.yml-like parts of a job spec, producing the shapes
// GitLab's job payload uses. Each throws nothing; bad input gives InvalidArgument.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace coordinator {

// "script" may be a string or an array of strings.
util::Result<std::vector<std::string>> ParseScriptLines(const nlohmann::json& j, const std::string& key);
// image: string or {name, entrypoint, ports, pull_policy, docker:{platform,user}...}
// → {"name","entrypoint","executor_opts","ports","pull_policy"} (null stays null).
util::Result<nlohmann::json> NormalizeImage(const nlohmann::json& j);
// services: array of strings or objects → payload service objects.
util::Result<nlohmann::json> NormalizeServices(const nlohmann::json& j);
// artifacts: payload array (passthrough) or the YAML object {name, paths, exclude,
// untracked, when, expire_in, reports:{type: paths}} → payload array.
util::Result<nlohmann::json> NormalizeArtifacts(const nlohmann::json& j);
// cache: object or array of {key, paths, untracked, policy, when, fallback_keys}.
util::Result<nlohmann::json> NormalizeCache(const nlohmann::json& j);

}  // namespace coordinator
