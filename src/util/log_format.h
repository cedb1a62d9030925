#pragma once
// The three line formats of the process log (gitlab-runner's --log-format values) as spdlog
// formatters. Split from log.h so that only logging set-up code sees spdlog's formatter types.
#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <chrono>
#include <memory>
#include <string>

#include "util/status.h"

namespace util {

// "runner", "text" or "json" (see log.h); kInvalidArgument for anything else.
Result<std::unique_ptr<spdlog::formatter>> NewLogFormatter(const std::string& format);

// Parses a level name (debug, info, warn|warning, error, fatal, panic, trace).
Result<spdlog::level::level_enum> ParseLogLevel(const std::string& level);

// logrus' name of a level: "warning", "error", "fatal" (spdlog's critical), ...
const char* LogrusLevelName(spdlog::level::level_enum level);

// Go's time.RFC3339Nano in UTC: 2026-01-02T03:04:05.123456789Z, trailing zeros of the
// fraction dropped (and the dot, when the fraction is zero).
std::string FormatRfc3339Nano(std::chrono::system_clock::time_point t);

}  // namespace util
