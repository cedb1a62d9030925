#pragma once
// Small pieces shared by the subcommands.
#include <string>

#include "config/config.h"
#include "util/status.h"

namespace cli {

// Exit codes of every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
// install/start/stop/restart/status: systemd is not running on this machine (install wrote
// the unit but could not enable it; the others did nothing).
inline constexpr int kExitNoSystemd = 3;

// config.toml's default place: /etc/spotrunner/config.toml for root, else
// $HOME/.spotrunner/config.toml (gitlab-runner's layout with our name).
std::string DefaultConfigPath();

// Loads `path` for a command that edits it: a missing file gives a fresh Config
// (concurrent = 1), other errors are returned. Warnings are logged.
util::Result<config::Config> LoadConfigForEdit(const std::string& path);

// Whether the environment variable holds a true value as Go's strconv.ParseBool reads it
// (1, t, T, TRUE, true, True); unset or anything else is false.
bool EnvIsTrue(const char* name);

// Prints "ERROR: <message>" to stderr and returns kExitFailure.
int Fail(const util::Status& s);

}  // namespace cli
