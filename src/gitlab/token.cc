#include "gitlab/token.h"

#include <cctype>

namespace gitlab {
namespace {

constexpr size_t kShortTokenLength = 9;

bool StripPartition(std::string_view& t) {
  if (t.size() >= 3 && t[0] == 't' && (t[1] == '1' || t[1] == '2' || t[1] == '3') && t[2] == '_') {
    t.remove_prefix(3);
    return true;
  }
  return false;
}

bool StripRegistrationPrefix(std::string_view& t) {
  // "GR" + 7 hex digits, e.g. "GR1348941".
  if (t.size() < 9 || !t.starts_with("GR")) return false;
  for (size_t i = 2; i < 9; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(t[i]))) return false;
  }
  t.remove_prefix(9);
  return true;
}

}  // namespace

std::string ShortToken(std::string_view token) {
  std::string_view t = token;
  if (t.starts_with("glrt-")) {
    t.remove_prefix(5);
    StripPartition(t);
  } else if (!StripPartition(t)) {
    if (t.starts_with("glrtr-") || t.starts_with("glcbt-")) {
      t.remove_prefix(6);
    } else {
      StripRegistrationPrefix(t);
    }
  }
  return std::string(t.substr(0, kShortTokenLength));
}

bool IsCreatedRunnerToken(std::string_view token) { return token.starts_with("glrt-"); }

}  // namespace gitlab
