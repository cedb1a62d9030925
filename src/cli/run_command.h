#pragma once
// `spotrunner run`: the long-running manager, with gitlab-runner's signal meanings:
// SIGQUIT graceful stop, SIGTERM/SIGINT forceful stop, SIGHUP reload.
#include <CLI/CLI.hpp>

namespace cli {

void AddRunCommand(CLI::App& app, int& exit_code);

}  // namespace cli
