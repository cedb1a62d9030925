#pragma once
// Reading config.toml as gitlab-runner does (see config/config.h for the model).
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/expand_env.h"
#include "util/status.h"

namespace config {

struct LoadedConfig {
  Config config;
  // "FILE:LINE:COL: unknown key \"runners.docker.foo\"", unsupported executors...; in file order.
  std::vector<std::string> warnings;
};

// Parses config.toml text. `file_name` is used only in messages, as given.
//
// Keys match gitlab-runner's spelling exactly, else case-insensitively. Keys of subsystems
// gitlab-runner has and spotrunner does not run ([runners.kubernetes], [session_server], ...)
// are accepted silently; other unknown keys become warnings. `url` and `token` of each runner
// are $VAR/${VAR}-expanded through `env` (unset = ""). Durations are Go strings ("15m0s") or
// integer nanoseconds; token_obtained_at/token_expires_at are TOML date-times or strings and
// are kept as RFC 3339 text.
//
// On failure returns kInvalidArgument whose message starts with "FILE:LINE:COL: ": TOML syntax
// errors; a value of the wrong type (naming the key and the expected type); concurrent <= 0;
// a missing or unknown executor; impossible autoscaler sizes (config/validate.h).
util::Result<LoadedConfig> ParseConfig(std::string_view text, const std::string& file_name,
                                       const EnvLookup& env = ProcessEnv());

// Reads and parses the file at `path` (messages name it as given). A missing file is
// kNotFound, an unreadable one kIOError or kPermissionDenied; otherwise as ParseConfig.
util::Result<LoadedConfig> LoadConfigFile(const std::string& path);

}  // namespace config
