#include "cli/common.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "config/parse.h"

namespace cli {

std::string DefaultConfigPath() {
  if (geteuid() == 0) return "/etc/spotrunner/config.toml";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.spotrunner/config.toml";
}

util::Result<config::Config> LoadConfigForEdit(const std::string& path) {
  auto loaded = config::LoadConfigFile(path);
  if (!loaded.ok()) {
    if (loaded.status().code() == util::Status::Code::kNotFound) return config::Config{};
    return loaded.status();
  }
  for (const auto& w : loaded->warnings) spdlog::warn("{}", w);
  return std::move(loaded->config);
}

bool EnvIsTrue(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return false;
  std::string s = v;
  return s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True";
}

int Fail(const util::Status& s) {
  std::fprintf(stderr, "ERROR: %s\n", s.message().c_str());
  return kExitFailure;
}

}  // namespace cli
