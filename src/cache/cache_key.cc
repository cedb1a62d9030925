#include "cache/cache_key.h"

#include <vector>

namespace cache {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

}  // namespace

std::string SanitizeKey(std::string_view key) {
  std::string s;
  s.reserve(key.size());
  for (size_t i = 0; i < key.size(); ++i) {
    if (key[i] == '%' && i + 2 < key.size()) {
      char a = key[i + 1], b = key[i + 2];
      if (a == '2' && (b == 'F' || b == 'f')) {
        s += '/';
        i += 2;
        continue;
      }
      if (a == '2' && (b == 'E' || b == 'e')) {
        s += '.';
        i += 2;
        continue;
      }
    }
    s += key[i] == '\\' ? '/' : key[i];
  }
  std::vector<std::string> segs;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find('/', i);
    if (j == std::string::npos) j = s.size();
    std::string seg = s.substr(i, j - i);
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    i = j + 1;
  }
  while (!segs.empty()) {
    std::string& last = segs.back();
    while (!last.empty() && IsSpace(last.back())) last.pop_back();
    if (!last.empty() && last != "." && last != "..") break;
    segs.pop_back();
  }
  std::string out;
  for (const auto& seg : segs) out += (out.empty() ? "" : "/") + seg;
  return out;
}

std::string EffectiveKey(std::string_view expanded_key, std::string_view job_name, std::string_view git_ref) {
  if (expanded_key.empty()) return SanitizeKey(std::string(job_name) + "/" + std::string(git_ref));
  return SanitizeKey(expanded_key);
}

bool IsProtectedFallbackKey(std::string_view key) {
  // Judged on the key the cache is looked up with: "main-protected/", "main-protected%2F",
  // "main-protected/x/.." and the value with a trailing backslash all become "main-protected".
  std::string used = SanitizeKey(key);
  std::string_view k = used;
  while (!k.empty() && (k.back() == '.' || k.back() == ' ')) k.remove_suffix(1);
  constexpr std::string_view kSuffix = "-protected";
  return k.size() >= kSuffix.size() && k.substr(k.size() - kSuffix.size()) == kSuffix;
}

}  // namespace cache
