#pragma once
// `spotrunner ec2-emulator`: the project's EC2 / Auto Scaling Query API emulator in the
// foreground (tests, demos, trying the AWS provider without AWS).
#include <CLI/CLI.hpp>

namespace cli {

void AddEc2EmulatorCommand(CLI::App& app, int& exit_code);

}  // namespace cli
