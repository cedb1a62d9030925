#include "util/log_format.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "util/log_fields.h"

namespace util {
namespace {

void SortByKey(std::vector<LogField>& fields) {
  std::stable_sort(fields.begin(), fields.end(), [](const LogField& a, const LogField& b) { return a.key < b.key; });
}

// Time, level and message as the project always printed them, then the fields.
class RunnerFormatter : public spdlog::formatter {
 public:
  RunnerFormatter()
      : pattern_("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v", spdlog::pattern_time_type::utc) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    DecodedMessage d = DecodeLogMessage(std::string_view(msg.payload.data(), msg.payload.size()));
    std::string text = d.message;
    SortByKey(d.fields);
    if (!d.fields.empty()) text += ' ';
    for (const LogField& f : d.fields) text += " " + f.key + "=" + f.value;
    spdlog::details::log_msg copy = msg;
    copy.payload = spdlog::string_view_t(text.data(), text.size());
    pattern_.format(copy, dest);
    msg.color_range_start = copy.color_range_start;  // the color sink reads them from msg
    msg.color_range_end = copy.color_range_end;
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<RunnerFormatter>(); }

 private:
  spdlog::pattern_formatter pattern_;
};

// logrus' rule: a value is quoted unless every byte is a letter, a digit or one of -._/@^+.
bool NeedsQuoting(std::string_view s) {
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+';
    if (!plain) return true;
  }
  return false;
}

// Go's %q for the bytes a log line can hold: quotes, backslashes and control bytes escaped.
std::string GoQuote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void AppendKeyValue(spdlog::memory_buf_t& dest, std::string_view key, std::string_view value) {
  std::string v = NeedsQuoting(value) ? GoQuote(value) : std::string(value);
  dest.append(key.data(), key.data() + key.size());
  dest.push_back('=');
  dest.append(v.data(), v.data() + v.size());
}

// logrus.TextFormatter without colours: time="..." level=info msg="..." key=value (sorted).
class TextFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    DecodedMessage d = DecodeLogMessage(std::string_view(msg.payload.data(), msg.payload.size()));
    AppendKeyValue(dest, "time", FormatRfc3339Nano(msg.time));
    dest.push_back(' ');
    AppendKeyValue(dest, "level", LogrusLevelName(msg.level));
    dest.push_back(' ');
    AppendKeyValue(dest, "msg", d.message);
    SortByKey(d.fields);
    for (const LogField& f : d.fields) {
      dest.push_back(' ');
      AppendKeyValue(dest, f.key, f.value);
    }
    dest.push_back('\n');
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<TextFormatter>(); }
};

// logrus.JSONFormatter: one object per line, keys sorted (Go marshals maps so); a field named
// like a built-in key (level, msg, time) becomes "fields.<name>" as logrus renames it.
class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    DecodedMessage d = DecodeLogMessage(std::string_view(msg.payload.data(), msg.payload.size()));
    nlohmann::json j = nlohmann::json::object();
    for (const LogField& f : d.fields) {
      std::string key = (f.key == "level" || f.key == "msg" || f.key == "time") ? "fields." + f.key : f.key;
      int64_t n = 0;
      auto [end, ec] = std::from_chars(f.value.data(), f.value.data() + f.value.size(), n);
      if (f.number && ec == std::errc() && end == f.value.data() + f.value.size()) {
        j[key] = n;
      } else {
        j[key] = f.value;
      }
    }
    j["level"] = LogrusLevelName(msg.level);
    j["msg"] = d.message;
    j["time"] = FormatRfc3339Nano(msg.time);
    // Invalid UTF-8 becomes U+FFFD, as Go's encoder does, instead of throwing.
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

Result<std::unique_ptr<spdlog::formatter>> NewLogFormatter(const std::string& format) {
  if (format.empty() || format == "runner") return std::unique_ptr<spdlog::formatter>(new RunnerFormatter());
  if (format == "text") return std::unique_ptr<spdlog::formatter>(new TextFormatter());
  if (format == "json") return std::unique_ptr<spdlog::formatter>(new JsonFormatter());
  return Status::InvalidArgument("log format \"" + format + "\" is not one of runner, text, json");
}

Result<spdlog::level::level_enum> ParseLogLevel(const std::string& name) {
  std::string level = name;  // logrus.ParseLevel ignores case
  for (char& c : level) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (level.empty() || level == "info") return spdlog::level::info;
  if (level == "debug") return spdlog::level::debug;
  if (level == "trace") return spdlog::level::trace;
  if (level == "warn" || level == "warning") return spdlog::level::warn;
  if (level == "error") return spdlog::level::err;
  if (level == "fatal" || level == "panic") return spdlog::level::critical;
  return Status::InvalidArgument("log level \"" + name + "\" is not one of debug, info, warn, error, fatal, panic");
}

const char* LogrusLevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace: return "trace";
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warning";
    case spdlog::level::err: return "error";
    case spdlog::level::critical: return "fatal";
    default: return "info";
  }
}

std::string FormatRfc3339Nano(std::chrono::system_clock::time_point t) {
  auto since = t.time_since_epoch();
  auto secs = std::chrono::floor<std::chrono::seconds>(since);
  int64_t nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count();
  std::time_t tt = static_cast<std::time_t>(secs.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  std::string out = buf;
  if (nanos > 0) {
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  return out + "Z";
}

}  // namespace util
