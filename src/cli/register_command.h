#pragma once
// `spotrunner register`: gitlab-runner's prompts and flags (and their environment
// variables), then the new [[runners]] entry is appended to config.toml (0600, atomic).
#include <CLI/CLI.hpp>

#include <istream>
#include <ostream>
#include <string>

namespace cli {

struct RegisterOptions {
  std::string config;
  bool non_interactive = false;
  bool leave_runner = false;
  std::string url;
  std::string registration_token;
  std::string token;
  std::string name;
  std::string tag_list;
  bool run_untagged = false;
  bool locked = true;
  bool paused = false;
  std::string access_level;
  int64_t maximum_timeout = 0;
  std::string maintenance_note;
  std::string executor;
  std::string shell;
  std::string builds_dir;
  std::string cache_dir;
  std::string tls_ca_file;
  std::string docker_image;
  std::string docker_pull_policy;
  int limit = 0;
  int request_concurrency = 0;
  int output_limit = 0;
};

// Adds the verb and its flags to `app`; the callback runs RunRegister.
void AddRegisterCommand(CLI::App& app, int& exit_code);

// Runs the registration; prompts go to `out`, answers come from `in`.
int RunRegister(RegisterOptions opts, std::istream& in, std::ostream& out);

}  // namespace cli
