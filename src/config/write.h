#pragma once
// Writing config.toml in gitlab-runner's canonical spelling (snake_case for globals, runners,
// docker and autoscaler; CamelCase for [runners.cache], [runners.cache.s3], [runners.machine]).
#include <string>

#include "config/config.h"
#include "util/status.h"

namespace config {

// The text of `config`: the globals gitlab-runner always writes (concurrent, check_interval,
// connection_max_age, shutdown_timeout), each runner's identity (name, url, id, token, token
// times, executor), and every other field only when it differs from its default. Sections
// are written when their has_* flag is set or they hold a non-default value. Reading the text
// back with ParseConfig gives an equal Config (url/token are written already expanded).
// Fails with kInvalidArgument when plugin_config_json is not a JSON object.
util::Result<std::string> FormatConfig(const Config& config);

// FormatConfig, then replaces `path` atomically (temporary file in the same directory, mode
// 0600, fsync, rename). The file is 0600 afterwards even if it existed with other modes.
util::Status WriteConfigFile(const std::string& path, const Config& config);

}  // namespace config
