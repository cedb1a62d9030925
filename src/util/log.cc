#include "util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "util/log_fields.h"
#include "util/log_format.h"

namespace util {
namespace {

constexpr char kFieldSeparator = '\x1f';

std::string Clean(std::string_view s, bool key) {
  std::string out(s);
  for (char& c : out) {
    if (c == kFieldSeparator || (key && (c == '=' || c == ' '))) c = '_';
  }
  return out;
}

// What the command line chose; config.toml fills in only what it left unset.
struct LogState {
  std::mutex mu;
  bool level_from_command_line = false;
  bool format_from_command_line = false;
  spdlog::level::level_enum level = spdlog::level::info;
  std::string format = "runner";
};

LogState& State() {
  static LogState state;
  return state;
}

// The process logger writes to stderr (the journal under systemd). It is created once; later
// changes only swap its level and formatter, which other threads may be logging through.
void Apply(spdlog::level::level_enum level, std::unique_ptr<spdlog::formatter> formatter) {
  auto logger = spdlog::get("spotrunner");
  if (!logger) {
    logger = spdlog::stderr_color_mt("spotrunner");
    spdlog::set_default_logger(logger);
  }
  logger->set_formatter(std::move(formatter));
  logger->set_level(level);
}

}  // namespace

std::string LogFields(std::initializer_list<LogField> fields) {
  std::string out;
  for (const LogField& f : fields) {
    out += kFieldSeparator;
    out += f.number ? 'n' : 's';
    out += Clean(f.key, true) + "=" + Clean(f.value, false);
  }
  return out;
}

DecodedMessage DecodeLogMessage(std::string_view payload) {
  DecodedMessage d;
  size_t sep = payload.find(kFieldSeparator);
  d.message = std::string(payload.substr(0, sep));
  while (sep != std::string_view::npos) {
    size_t next = payload.find(kFieldSeparator, sep + 1);
    std::string_view item = payload.substr(sep + 1, next == std::string_view::npos ? std::string_view::npos : next - sep - 1);
    sep = next;
    if (item.size() < 2) continue;
    bool number = item[0] == 'n';
    item.remove_prefix(1);
    size_t eq = item.find('=');
    LogField f(item.substr(0, eq), eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    f.number = number;
    d.fields.push_back(std::move(f));
  }
  return d;
}

Status ConfigureLoggingFromCommandLine(const std::string& level, bool debug, const std::string& format) {
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  spdlog::level::level_enum lvl = spdlog::level::info;
  if (!level.empty()) {
    auto parsed = ParseLogLevel(level);
    if (!parsed.ok()) return parsed.status().WithContext("--log-level");
    lvl = *parsed;
  }
  if (debug) lvl = spdlog::level::debug;  // gitlab-runner: --debug wins over --log-level
  std::string fmt = format.empty() ? "runner" : format;
  auto formatter = NewLogFormatter(fmt);
  if (!formatter.ok()) return formatter.status().WithContext("--log-format");
  st.level_from_command_line = !level.empty() || debug;
  st.format_from_command_line = !format.empty();
  st.level = lvl;
  st.format = fmt;
  Apply(lvl, std::move(*formatter));
  return Status::Ok();
}

Status ConfigureLoggingFromConfig(const std::string& level, const std::string& format) {
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  spdlog::level::level_enum lvl = st.level;
  if (!st.level_from_command_line && !level.empty()) {
    auto parsed = ParseLogLevel(level);
    if (!parsed.ok()) return parsed.status().WithContext("config.toml log_level");
    lvl = *parsed;
  }
  std::string fmt = st.format;
  if (!st.format_from_command_line && !format.empty()) fmt = format;
  auto formatter = NewLogFormatter(fmt);
  if (!formatter.ok()) return formatter.status().WithContext("config.toml log_format");
  st.level = lvl;
  st.format = fmt;
  Apply(lvl, std::move(*formatter));
  return Status::Ok();
}

Status InitLogging(const std::string& level, const std::string& format) {
  auto lvl = ParseLogLevel(level);
  if (!lvl.ok()) return lvl.status();
  auto formatter = NewLogFormatter(format);
  if (!formatter.ok()) return formatter.status();
  LogState& st = State();
  std::lock_guard<std::mutex> lock(st.mu);
  st.level = *lvl;
  st.format = format.empty() ? "runner" : format;
  Apply(*lvl, std::move(*formatter));
  return Status::Ok();
}

}  // namespace util
