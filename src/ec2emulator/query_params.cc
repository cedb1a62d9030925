#include "ec2emulator/query_params.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

namespace ec2emulator {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses the decimal index at the start of `rest` up to the next '.' or the end.
// Returns 0 when `rest` does not start with a positive integer.
uint64_t IndexPrefix(std::string_view rest, size_t* len) {
  size_t i = 0;
  uint64_t v = 0;
  while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && i < 9) v = v * 10 + (rest[i++] - '0');
  *len = i;
  if (i == 0 || (i < rest.size() && rest[i] != '.')) return 0;
  return v;
}

}  // namespace

std::optional<std::string> FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

util::Result<QueryParams> QueryParams::Parse(std::string_view form) {
  QueryParams p;
  size_t pos = 0;
  while (pos <= form.size()) {
    size_t amp = form.find('&', pos);
    if (amp == std::string_view::npos) amp = form.size();
    std::string_view item = form.substr(pos, amp - pos);
    if (!item.empty()) {
      size_t eq = item.find('=');
      std::string_view k = item.substr(0, eq);
      std::string_view v = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
      auto dk = FormDecode(k);
      auto dv = FormDecode(v);
      if (!dk || !dv) {
        return util::Status::InvalidArgument("malformed percent-escape in form parameter at offset " +
                                             std::to_string(pos) + ": '" + std::string(item.substr(0, 64)) + "'");
      }
      p.values_[*dk] = *dv;
    }
    pos = amp + 1;
  }
  return p;
}

const std::string* QueryParams::Find(const std::string& key) const {
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

std::string QueryParams::Get(const std::string& key, const std::string& fallback) const {
  const std::string* v = Find(key);
  return v ? *v : fallback;
}

ApiResult<std::optional<int64_t>> QueryParams::GetInt(const std::string& key) const {
  const std::string* v = Find(key);
  if (!v) return std::optional<int64_t>();
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0) {
    return InvalidParameterValue("Invalid value '" + *v + "' for " + key + ". It must be an integer.");
  }
  return std::optional<int64_t>(n);
}

ApiResult<bool> QueryParams::GetBool(const std::string& key, bool fallback) const {
  const std::string* v = Find(key);
  if (!v) return fallback;
  if (*v == "true") return true;
  if (*v == "false") return false;
  return InvalidParameterValue("Invalid value '" + *v + "' for " + key + ". It must be true or false.");
}

std::vector<std::string> QueryParams::List(const std::string& prefix) const {
  std::vector<std::pair<uint64_t, std::string>> items;
  const std::string p = prefix + ".";
  for (auto it = values_.lower_bound(p); it != values_.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
    std::string_view rest = std::string_view(it->first).substr(p.size());
    size_t len = 0;
    uint64_t idx = IndexPrefix(rest, &len);
    if (idx > 0 && len == rest.size()) items.emplace_back(idx, it->second);
  }
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto& [i, v] : items) out.push_back(std::move(v));
  return out;
}

std::vector<QueryParams> QueryParams::Structs(const std::string& prefix) const {
  std::map<uint64_t, QueryParams> by_index;
  const std::string p = prefix + ".";
  for (auto it = values_.lower_bound(p); it != values_.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
    std::string_view rest = std::string_view(it->first).substr(p.size());
    size_t len = 0;
    uint64_t idx = IndexPrefix(rest, &len);
    if (idx == 0 || len >= rest.size()) continue;
    by_index[idx].values_[std::string(rest.substr(len + 1))] = it->second;
  }
  std::vector<QueryParams> out;
  for (auto& [i, q] : by_index) out.push_back(std::move(q));
  return out;
}

QueryParams QueryParams::Sub(const std::string& prefix) const {
  QueryParams out;
  const std::string p = prefix + ".";
  for (auto it = values_.lower_bound(p); it != values_.end() && it->first.compare(0, p.size(), p) == 0; ++it) {
    out.values_[it->first.substr(p.size())] = it->second;
  }
  return out;
}

}  // namespace ec2emulator
