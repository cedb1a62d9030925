#pragma once
// `spotrunner coordinator`: the embedded GitLab-compatible coordinator in the foreground.
#include <CLI/CLI.hpp>

namespace cli {

void AddCoordinatorCommand(CLI::App& app, int& exit_code);

}  // namespace cli
