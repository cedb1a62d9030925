#include "config/expand_env.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace config {
namespace {

bool IsShellSpecial(char c) {
  switch (c) {
    case '*': case '#': case '$': case '@': case '!': case '?': case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return true;
    default:
      return false;
  }
}

bool IsAlphaNum(char c) {
  return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Go's getShellName: the name after '$' in s and how many bytes it spans. An empty name with
// a non-zero width is bad syntax whose bytes are dropped.
std::pair<std::string_view, size_t> ShellName(std::string_view s) {
  if (s[0] == '{') {
    if (s.size() > 2 && IsShellSpecial(s[1]) && s[2] == '}') return {s.substr(1, 1), 3};
    for (size_t i = 1; i < s.size(); ++i) {
      if (s[i] == '}') {
        if (i == 1) return {{}, 2};
        return {s.substr(1, i - 1), i + 1};
      }
    }
    return {{}, 1};
  }
  if (IsShellSpecial(s[0])) return {s.substr(0, 1), 1};
  size_t i = 0;
  while (i < s.size() && IsAlphaNum(s[i])) ++i;
  return {s.substr(0, i), i};
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::string ExpandEnv(std::string_view s, const EnvLookup& lookup) {
  std::string out;
  size_t i = 0;
  for (size_t j = 0; j < s.size(); ++j) {
    if (s[j] != '$' || j + 1 >= s.size()) continue;
    out.append(s.substr(i, j - i));
    auto [name, width] = ShellName(s.substr(j + 1));
    if (name.empty() && width > 0) {
      // Bad syntax: drop it.
    } else if (name.empty()) {
      out.push_back('$');
    } else {
      out.append(lookup(std::string(name)).value_or(""));
    }
    j += width;
    i = j + 1;
  }
  out.append(s.substr(std::min(i, s.size())));
  return out;
}

}  // namespace config
