#include "archive/glob.h"

#include <vector>

namespace archives {
namespace {

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  size_t i = 0;
  while (true) {
    size_t j = s.find('/', i);
    if (j == std::string_view::npos) {
      out.push_back(s.substr(i));
      break;
    }
    out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Matches a "[...]" class at p[pi] against c; advances pi past the class. Returns
// false when the class is malformed (then "[" is taken literally by the caller).
bool MatchClass(std::string_view p, size_t* pi, char c, bool* matched) {
  size_t i = *pi + 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool hit = false;
  bool first = true;
  while (i < p.size() && (p[i] != ']' || first)) {
    first = false;
    char lo = p[i];
    if (lo == '\\' && i + 1 < p.size()) lo = p[++i];
    char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = p[i + 2];
      if (hi == '\\' && i + 3 < p.size()) {
        hi = p[i + 3];
        ++i;
      }
      i += 2;
    }
    if (lo <= c && c <= hi) hit = true;
    ++i;
  }
  if (i >= p.size()) return false;
  *pi = i + 1;
  *matched = hit != negate;
  return true;
}

// One segment, no "/" in either.
bool MatchSegment(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        star_p = pi++;
        star_s = si;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++si;
        continue;
      }
      if (pc == '[') {
        size_t np = pi;
        bool m = false;
        if (MatchClass(p, &np, s[si], &m)) {
          if (m) {
            pi = np;
            ++si;
            continue;
          }
        } else if (s[si] == '[') {
          ++pi;
          ++si;
          continue;
        }
      } else {
        if (pc == '\\' && pi + 1 < p.size()) pc = p[++pi];
        if (pc == s[si]) {
          ++pi;
          ++si;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p + 1;
    si = ++star_s;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool MatchSegments(const std::vector<std::string_view>& p, size_t pi, const std::vector<std::string_view>& s,
                   size_t si) {
  while (pi < p.size()) {
    if (p[pi] == "**") {
      while (pi + 1 < p.size() && p[pi + 1] == "**") ++pi;
      if (pi + 1 == p.size()) return true;  // trailing ** matches the rest
      for (size_t k = si; k <= s.size(); ++k) {
        if (MatchSegments(p, pi + 1, s, k)) return true;
      }
      return false;
    }
    if (si >= s.size() || !MatchSegment(p[pi], s[si])) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view path) {
  return MatchSegments(Split(pattern), 0, Split(path), 0);
}

bool HasGlobMeta(std::string_view pattern) { return pattern.find_first_of("*?[\\") != std::string_view::npos; }

std::string StaticPrefix(std::string_view pattern) {
  std::string out;
  for (std::string_view seg : Split(pattern)) {
    if (HasGlobMeta(seg)) break;
    if (!out.empty()) out += '/';
    out += seg;
  }
  return out;
}

}  // namespace archives
