#pragma once
// Conversions between free-form TOML tables and JSON, for [runners.autoscaler.plugin_config]
// (passed to the cloud plugin as JSON). Internal to config/.
#include <toml++/toml.h>

#include <nlohmann/json.hpp>
#include <string>

#include "util/status.h"

namespace config {

// TOML → JSON: tables become objects, arrays arrays, date-times and local dates/times their
// RFC 3339 / ISO text. Never fails.
nlohmann::json TomlToJson(const toml::node& node);

// JSON value → TOML value text ("\"x\"", "3", "[1, 2]", "{ a = true }"); nulls are not
// representable in TOML and fail with kInvalidArgument.
util::Result<std::string> JsonToTomlValue(const nlohmann::json& value);

}  // namespace config
