#pragma once
// Appends config.toml text in gitlab-runner's layout: keys under a table header are indented
// two spaces per level of the header ([[runners]] keys by 2, [runners.docker] keys by 4),
// and a blank line comes before each top-level table. Internal to config/.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace config {

class TomlEmitter {
 public:
  explicit TomlEmitter(std::string* out) : out_(out) {}

  // Starts "[name]" (or "[[name]]" when `array`); depth = number of dotted parts of name.
  void Header(std::string_view name, bool array = false);

  // `key = <value text>` at the current indentation.
  void Raw(std::string_view key, std::string_view value_text);
  void String(std::string_view key, std::string_view value);
  void Int(std::string_view key, int64_t value);
  void Bool(std::string_view key, bool value);
  void Float(std::string_view key, double value);
  void Strings(std::string_view key, const std::vector<std::string>& values);
  void GoDuration(std::string_view key, Duration value);

  // Only when different from the default / non-empty.
  void StringIfSet(std::string_view key, std::string_view value) {
    if (!value.empty()) String(key, value);
  }
  void StringsIfSet(std::string_view key, const std::vector<std::string>& values) {
    if (!values.empty()) Strings(key, values);
  }
  void BoolIfTrue(std::string_view key, bool value) {
    if (value) Bool(key, value);
  }
  void IntIfNot(std::string_view key, int64_t value, int64_t dflt) {
    if (value != dflt) Int(key, value);
  }
  void DurationIfNot(std::string_view key, Duration value, Duration dflt) {
    if (value != dflt) GoDuration(key, value);
  }
  // A sub-table "[name]" of string values, when not empty.
  void StringTable(std::string_view name, const std::map<std::string, std::string>& values);

 private:
  std::string* out_;
  int depth_ = 0;
};

}  // namespace config
