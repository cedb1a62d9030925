#include "config/docker_values.h"

#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <set>

namespace config {

util::Result<int64_t> ParseMemoryBytes(const std::string& s) {
  if (s.empty()) return int64_t{0};
  auto bad = util::Status::InvalidArgument("invalid memory size \"" + s + "\" (want e.g. 512m or 2g)");
  size_t i = 0;
  while (i < s.size() && (isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
  if (i == 0) return bad;
  char* end = nullptr;
  std::string number = s.substr(0, i);
  double v = strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || v < 0) return bad;
  std::string unit = s.substr(i);
  for (char& c : unit) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  if (unit.size() == 2 && unit[1] == 'b') unit.pop_back();
  double mult = 1;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k") mult = 1024.0;
  else if (unit == "m") mult = 1024.0 * 1024;
  else if (unit == "g") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t") mult = 1024.0 * 1024 * 1024 * 1024;
  else return bad;
  double bytes = v * mult;
  if (bytes > 9.0e18) return bad;
  return static_cast<int64_t>(bytes);
}

util::Result<int64_t> ParseNanoCpus(const std::string& s) {
  if (s.empty()) return int64_t{0};
  char* end = nullptr;
  double v = strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !(v > 0) || v > 1e6) {
    return util::Status::InvalidArgument("invalid cpus \"" + s + "\" (want a number such as 1.5)");
  }
  return static_cast<int64_t>(std::llround(v * 1e9));
}

namespace {

// One CSV record (Go's encoding/csv: fields split at commas, "..." quotes a field).
util::Result<std::vector<std::string>> CsvFields(const std::string& s) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (quoted) {
      if (c == '"' && i + 1 < s.size() && s[i + 1] == '"') {
        out.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        out.back() += c;
      }
    } else if (c == '"' && out.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  if (quoted) return util::Status::InvalidArgument("unterminated quote in \"" + s + "\"");
  return out;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out(1);
  for (char c : s) {
    if (c == sep) out.emplace_back();
    else out.back() += c;
  }
  return out;
}

util::Result<int> GpuCount(const std::string& s) {
  if (s == "all") return -1;
  char* end = nullptr;
  long v = strtol(s.c_str(), &end, 10);
  if (s.empty() || *end != 0 || v < INT32_MIN || v > INT32_MAX) {
    return util::Status::InvalidArgument("invalid count (" + s + "): value must be either \"all\" or an integer");
  }
  return static_cast<int>(v);
}

bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = strtoll(s.c_str(), &end, 10);
  if (*end != 0 || errno == ERANGE) return false;
  *out = v;
  return true;
}

}  // namespace

util::Result<Ulimit> ParseUlimit(const std::string& name, const std::string& value) {
  static const std::set<std::string> kNames = {"core",   "cpu",    "data",   "fsize",      "locks",
                                               "memlock", "msgqueue", "nice", "nofile",     "nproc",
                                               "rss",    "rtprio", "rttime", "sigpending", "stack"};
  if (kNames.count(name) == 0) return util::Status::InvalidArgument("unknown ulimit \"" + name + "\"");
  Ulimit u{name, 0, 0};
  size_t colon = value.find(':');
  std::string soft = value.substr(0, colon);
  if (!ParseInt64(soft, &u.soft)) {
    return util::Status::InvalidArgument("invalid soft limit \"" + soft + "\" (want \"<soft>[:<hard>]\" integers)");
  }
  u.hard = u.soft;
  if (colon != std::string::npos) {
    std::string hard = value.substr(colon + 1);
    if (!ParseInt64(hard, &u.hard)) {
      return util::Status::InvalidArgument("invalid hard limit \"" + hard + "\" (want \"<soft>[:<hard>]\" integers)");
    }
  }
  if (u.soft > u.hard && u.hard != -1) {
    return util::Status::InvalidArgument("soft limit " + std::to_string(u.soft) + " is above hard limit " +
                                         std::to_string(u.hard));
  }
  return u;
}

util::Result<std::vector<GpuRequest>> ParseGpus(const std::string& s) {
  if (s.find_first_not_of(" \t") == std::string::npos) return std::vector<GpuRequest>{};
  auto fields = CsvFields(s);
  if (!fields.ok()) return fields.status();
  GpuRequest req;
  std::set<std::string> seen;
  for (const std::string& field : *fields) {
    size_t eq = field.find('=');
    std::string key = field.substr(0, eq);
    if (!seen.insert(key).second) {
      return util::Status::InvalidArgument("gpu request key '" + key + "' can be specified only once");
    }
    if (eq == std::string::npos) {
      seen.insert("count");
      auto n = GpuCount(key);
      if (!n.ok()) return n.status();
      req.count = *n;
      continue;
    }
    std::string val = field.substr(eq + 1);
    if (key == "driver") {
      req.driver = val;
    } else if (key == "count") {
      auto n = GpuCount(val);
      if (!n.ok()) return n.status();
      req.count = *n;
    } else if (key == "device") {
      req.device_ids = Split(val, ',');
    } else if (key == "capabilities") {
      std::vector<std::string> caps = Split(val, ',');
      caps.push_back("gpu");
      req.capabilities = {caps};
    } else if (key == "options") {
      auto opts = CsvFields(val);
      if (!opts.ok()) return opts.status().WithContext("failed to read gpu options");
      for (const std::string& o : *opts) {
        size_t e = o.find('=');
        req.options[o.substr(0, e)] = e == std::string::npos ? "" : o.substr(e + 1);
      }
    } else {
      return util::Status::InvalidArgument("unexpected key '" + key + "' in '" + field + "'");
    }
  }
  if (seen.count("count") == 0 && req.device_ids.empty()) req.count = 1;
  if (req.capabilities.empty()) req.capabilities = {{"gpu"}};
  return std::vector<GpuRequest>{req};
}

util::Status CheckTmpfsOptions(const std::string& options) {
  // Mount flags Docker maps itself, and the data options it passes to tmpfs.
  static const std::set<std::string> kFlags = {
      "defaults", "rw",      "ro",        "suid",       "nosuid",    "dev",         "nodev",    "exec",
      "noexec",   "sync",    "async",     "dirsync",    "remount",   "mand",        "nomand",   "atime",
      "noatime",  "diratime", "nodiratime", "bind",     "rbind",     "unbindable",  "runbindable",
      "private",  "rprivate", "shared",   "rshared",    "slave",     "rslave",      "relatime", "norelatime",
      "strictatime", "nostrictatime", "tmpcopyup"};
  static const std::set<std::string> kData = {"size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol"};
  if (options.empty()) return util::Status::Ok();
  for (const std::string& o : Split(options, ',')) {
    size_t eq = o.find('=');
    if (eq == std::string::npos ? kFlags.count(o) != 0 : kData.count(o.substr(0, eq)) != 0) continue;
    return util::Status::InvalidArgument("invalid tmpfs option \"" + o + "\"");
  }
  return util::Status::Ok();
}

util::Status CheckMacAddress(const std::string& mac) {
  auto bad = util::Status::InvalidArgument("invalid MAC address \"" + mac + "\" (want e.g. 92:d0:c6:0a:29:33)");
  if (mac.size() != 17) return bad;
  for (size_t i = 0; i < mac.size(); ++i) {
    bool sep = i % 3 == 2;
    if (sep ? (mac[i] != ':' && mac[i] != '-') : !isxdigit(static_cast<unsigned char>(mac[i]))) return bad;
  }
  return util::Status::Ok();
}

}  // namespace config
