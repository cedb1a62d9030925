#include "util/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace util {

Status InitLogging(const std::string& level, const std::string& format) {
  spdlog::level::level_enum lvl;
  if (level.empty() || level == "info") {
    lvl = spdlog::level::info;
  } else if (level == "debug") {
    lvl = spdlog::level::debug;
  } else if (level == "warn" || level == "warning") {
    lvl = spdlog::level::warn;
  } else if (level == "error") {
    lvl = spdlog::level::err;
  } else if (level == "fatal" || level == "panic") {
    lvl = spdlog::level::critical;
  } else {
    return Status::InvalidArgument("log level \"" + level +
                                   "\" is not one of debug, info, warn, error, fatal, panic");
  }
  spdlog::drop("spotrunner");
  auto logger = spdlog::stderr_color_mt("spotrunner");
  if (format == "json") {
    logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","msg":"%v"})", spdlog::pattern_time_type::utc);
  } else if (format.empty() || format == "runner" || format == "text") {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  } else {
    return Status::InvalidArgument("log format \"" + format + "\" is not one of runner, text, json");
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace util
