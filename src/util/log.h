#pragma once
// Process logging (spdlog). Code logs through spdlog::info/warn/error directly; this file
// only sets the level and format once at start-up. Tokens and masked values must never be
// passed to a log call: log ids and short tokens instead.
#include <string>

#include "util/status.h"

namespace util {

// level: debug, info, warn|warning, error, fatal, panic (gitlab-runner's names).
// format: "runner" or "text" (human lines), "json" (one object per line).
Status InitLogging(const std::string& level, const std::string& format);

}  // namespace util
