#pragma once
// Process logging (spdlog). Code logs through spdlog::info/warn/error directly; this file
// sets the level and format, as gitlab-runner does: the command line (--log-level/-l,
// --debug, --log-format or LOG_LEVEL, RUNNER_DEBUG, LOG_FORMAT) wins over config.toml's
// log_level/log_format, which `run` applies once the file is loaded. Tokens and masked values
// must never be passed to a log call: log ids and short tokens instead.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "util/status.h"

namespace util {

// One key=value of a log line (logrus "fields"): " key=value" after the message in the runner
// and text formats, a member of the object in json. An integer stays a JSON number.
struct LogField {
  LogField(std::string_view k, std::string_view v) : key(k), value(v) {}
  LogField(std::string_view k, const char* v) : key(k), value(v) {}
  LogField(std::string_view k, int64_t v) : key(k), value(std::to_string(v)), number(true) {}
  LogField(std::string_view k, int v) : LogField(k, static_cast<int64_t>(v)) {}
  std::string key;
  std::string value;
  bool number = false;
};

// The suffix that carries `fields` inside a message; append it to the format string's last
// argument: spdlog::info("Job succeeded{}", util::LogFields({{"job", 12}, {"runner", "ab12"}})).
// The formatters installed here take it apart; the message text itself stays plain.
std::string LogFields(std::initializer_list<LogField> fields);

// Applies the command line's choices; empty level/format mean "not given". `debug` is
// --debug (level debug). Fails with kInvalidArgument naming the flag and the valid values.
// level: debug, info, warn|warning, error, fatal, panic (gitlab-runner's names; trace too).
// format: "runner" (default: time, level, message, fields), "text" (logrus' key=value
// lines), "json" (one object per line: level, msg, time, then the fields, keys sorted).
Status ConfigureLoggingFromCommandLine(const std::string& level, bool debug, const std::string& format);

// Applies config.toml's log_level/log_format where the command line did not set them (empty
// means "not set"). Fails with kInvalidArgument naming the key; logging is unchanged then.
Status ConfigureLoggingFromConfig(const std::string& level, const std::string& format);

// Sets both at once, ignoring what the command line chose (tests, tools).
Status InitLogging(const std::string& level, const std::string& format);

}  // namespace util
