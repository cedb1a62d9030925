#pragma once
// Spelling values and keys as TOML text, the way gitlab-runner's encoder writes them.
// Internal to config/.
#include <string>
#include <string_view>
#include <vector>

namespace config {

// A basic string with escapes: "a\"b\n".
std::string TomlString(std::string_view s);
// A bare key when possible (letters, digits, '_', '-'), else a quoted one.
std::string TomlKey(std::string_view key);
// Shortest text that reads back to the same double, always with a '.', 'e', "inf" or "nan".
std::string TomlFloat(double v);
// ["a", "b"]
std::string TomlStringArray(const std::vector<std::string>& values);

}  // namespace config
