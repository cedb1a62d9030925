#include "config/toml_emitter.h"

#include <algorithm>

#include "config/duration.h"
#include "config/toml_text.h"

namespace config {

void TomlEmitter::Header(std::string_view name, bool array) {
  depth_ = 1 + static_cast<int>(std::count(name.begin(), name.end(), '.'));
  if (depth_ == 1 && !out_->empty()) out_->push_back('\n');
  out_->append(static_cast<size_t>(2 * (depth_ - 1)), ' ');
  out_->append(array ? "[[" : "[").append(name).append(array ? "]]\n" : "]\n");
}

void TomlEmitter::Raw(std::string_view key, std::string_view value_text) {
  out_->append(static_cast<size_t>(2 * depth_), ' ');
  out_->append(TomlKey(key)).append(" = ").append(value_text).push_back('\n');
}

void TomlEmitter::String(std::string_view key, std::string_view value) { Raw(key, TomlString(value)); }
void TomlEmitter::Int(std::string_view key, int64_t value) { Raw(key, std::to_string(value)); }
void TomlEmitter::Bool(std::string_view key, bool value) { Raw(key, value ? "true" : "false"); }
void TomlEmitter::Float(std::string_view key, double value) { Raw(key, TomlFloat(value)); }
void TomlEmitter::Strings(std::string_view key, const std::vector<std::string>& values) {
  Raw(key, TomlStringArray(values));
}
void TomlEmitter::GoDuration(std::string_view key, Duration value) { Raw(key, TomlString(FormatGoDuration(value))); }

void TomlEmitter::StringTable(std::string_view name, const std::map<std::string, std::string>& values) {
  if (values.empty()) return;
  Header(name);
  for (const auto& [k, v] : values) String(k, v);
}

}  // namespace config
