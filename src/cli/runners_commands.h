#pragma once
// `spotrunner verify`, `unregister` and `list`: the entries of config.toml and GitLab's
// view of their tokens.
#include <CLI/CLI.hpp>

namespace cli {

void AddVerifyCommand(CLI::App& app, int& exit_code);
void AddUnregisterCommand(CLI::App& app, int& exit_code);
void AddListCommand(CLI::App& app, int& exit_code);

}  // namespace cli
