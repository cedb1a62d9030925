#pragma once
// $VAR / ${VAR} expansion with Go's os.ExpandEnv rules (used for url and token at load).
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace config {

// Returns the value of a variable, or nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

// The process environment (getenv). Thread-compatible as getenv is.
EnvLookup ProcessEnv();

// Expands like Go's os.Expand: "$NAME" (letters, digits, '_'), "${NAME}", and the one-character
// shell specials "$1", "$?", "${*}"...; unset variables become "". "$" not followed by a name
// (e.g. at the end, or "$ ") stays as is; the malformed "${}" and an unterminated "${" are dropped.
std::string ExpandEnv(std::string_view s, const EnvLookup& lookup);

}  // namespace config
