#include "executor/docker/allow_list.h"

#include <algorithm>
#include <optional>

namespace executor::docker {
namespace {

constexpr char kAnsiRed[] = "\x1b[31;1m";
constexpr char kAnsiReset[] = "\x1b[0;m";

// Expands `{a,b}` alternatives (nested too) into plain patterns; nullopt when unbalanced.
std::optional<std::vector<std::string>> ExpandBraces(const std::string& p) {
  size_t open = std::string::npos;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '{') {
      open = i;
      break;
    } else if (p[i] == '}') {
      return std::nullopt;
    }
  }
  if (open == std::string::npos) return std::vector<std::string>{p};
  int depth = 0;
  std::vector<std::string> alternatives;
  size_t start = open + 1;
  size_t close = std::string::npos;
  for (size_t i = open; i < p.size() && close == std::string::npos; ++i) {
    if (p[i] == '\\') {
      ++i;
    } else if (p[i] == '{') {
      ++depth;
    } else if (p[i] == '}') {
      if (--depth == 0) {
        alternatives.push_back(p.substr(start, i - start));
        close = i;
      }
    } else if (p[i] == ',' && depth == 1) {
      alternatives.push_back(p.substr(start, i - start));
      start = i + 1;
    }
  }
  if (close == std::string::npos) return std::nullopt;
  std::vector<std::string> out;
  for (const std::string& alt : alternatives) {
    auto rest = ExpandBraces(p.substr(0, open) + alt + p.substr(close + 1));
    if (!rest) return std::nullopt;
    out.insert(out.end(), rest->begin(), rest->end());
  }
  return out;
}

// One path part: `*`, `?`, `[...]`, `\x`. nullopt for an invalid pattern.
std::optional<bool> MatchPart(std::string_view pat, std::string_view name) {
  size_t p = 0, n = 0;
  size_t star_p = std::string_view::npos, star_n = 0;
  while (n < name.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star_p = ++p;
      star_n = n;
      continue;
    }
    bool matched = false;
    size_t next_p = p;
    if (p < pat.size()) {
      if (pat[p] == '?') {
        matched = true;
        next_p = p + 1;
      } else if (pat[p] == '[') {
        size_t i = p + 1;
        bool negate = i < pat.size() && (pat[i] == '^' || pat[i] == '!');
        if (negate) ++i;
        bool in = false;
        bool first = true;
        for (; i < pat.size() && (first || pat[i] != ']'); first = false) {
          char lo = pat[i];
          if (lo == '\\' && i + 1 < pat.size()) lo = pat[++i];
          char hi = lo;
          if (i + 2 < pat.size() && pat[i + 1] == '-' && pat[i + 2] != ']') {
            hi = pat[i + 2];
            if (hi == '\\' && i + 3 < pat.size()) {
              hi = pat[i + 3];
              ++i;
            }
            i += 2;
          }
          if (name[n] >= lo && name[n] <= hi) in = true;
          ++i;
        }
        if (i >= pat.size()) return std::nullopt;  // no closing ]
        matched = in != negate;
        next_p = i + 1;
      } else if (pat[p] == '\\') {
        if (p + 1 >= pat.size()) return std::nullopt;
        matched = pat[p + 1] == name[n];
        next_p = p + 2;
      } else {
        matched = pat[p] == name[n];
        next_p = p + 1;
      }
    }
    if (matched) {
      p = next_p;
      ++n;
    } else if (star_p != std::string_view::npos) {
      p = star_p;
      n = ++star_n;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

std::vector<std::string_view> Split(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '/') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::optional<bool> MatchParts(const std::vector<std::string_view>& pat, size_t i,
                               const std::vector<std::string_view>& name, size_t j) {
  if (i == pat.size()) return j == name.size();
  if (pat[i] == "**") {
    for (size_t k = j; k <= name.size(); ++k) {
      auto m = MatchParts(pat, i + 1, name, k);
      if (!m) return std::nullopt;
      if (*m) return true;
    }
    return false;
  }
  if (j == name.size()) return false;
  auto m = MatchPart(pat[i], name[j]);
  if (!m || !*m) return m;
  return MatchParts(pat, i + 1, name, j + 1);
}

}  // namespace

bool GlobMatch(const std::string& pattern, const std::string& name) {
  auto patterns = ExpandBraces(pattern);
  if (!patterns) return false;
  auto name_parts = Split(name);
  for (const std::string& p : *patterns) {
    auto m = MatchParts(Split(p), 0, name_parts, 0);
    if (!m) return false;
    if (*m) return true;
  }
  return false;
}

util::Status VerifyAllowedImage(const std::string& image, const std::string& option,
                                const std::vector<std::string>& allowed, const std::vector<std::string>& internal,
                                OutputSink& out) {
  for (const std::string& pattern : allowed) {
    if (GlobMatch(pattern, image)) return util::Status::Ok();
  }
  if (std::find(internal.begin(), internal.end(), image) != internal.end()) return util::Status::Ok();
  if (allowed.empty()) return util::Status::Ok();
  std::string lines = "\n";
  lines += std::string(kAnsiRed) + "ERROR: The \"" + image + "\" image is not present on list of allowed " + option +
           ":" + kAnsiReset + "\n";
  for (const std::string& pattern : allowed) lines += "- " + pattern + "\n";
  lines += "\n";
  lines +=
      "Please check runner's allowed_images configuration: "
      "https://docs.gitlab.com/runner/configuration/advanced-configuration/\n";
  out.Write(lines);
  return util::Status::InvalidArgument("disallowed image");
}

bool PrivilegedAllowed(const std::string& image, const std::vector<std::string>& allowed) {
  if (allowed.empty()) return true;
  for (const std::string& pattern : allowed) {
    if (GlobMatch(pattern, image)) return true;
  }
  return false;
}

util::Status VerifyAllowedUser(const std::string& user, const std::vector<std::string>& allowed_users,
                               const std::string& configured_user) {
  if (user.empty()) return util::Status::Ok();
  if (allowed_users.empty() && configured_user.empty()) return util::Status::Ok();
  std::vector<std::string> allowed = allowed_users.empty() ? std::vector<std::string>{configured_user} : allowed_users;
  if (std::find(allowed.begin(), allowed.end(), user) != allowed.end()) return util::Status::Ok();
  std::string list;
  for (const std::string& u : allowed) list += (list.empty() ? "" : " ") + u;
  return util::Status::InvalidArgument("user \"" + user + "\" is not an allowed user: [" + list + "]");
}

}  // namespace executor::docker
