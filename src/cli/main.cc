// spotrunner: one binary, several verbs (gitlab-runner's names where they exist).
#include <CLI/CLI.hpp>
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "cli/aws_command.h"
#include "cli/common.h"
#include "cli/coordinator_command.h"
#include "cli/ec2emulator_command.h"
#include "cli/helper_command.h"
#include "cli/register_command.h"
#include "cli/run_command.h"
#include "cli/runners_commands.h"
#include "cli/simulate_command.h"
#include "util/core_dumps.h"
#include "util/version.h"

int main(int argc, char** argv) {
  // Before anything reads a token or a key (util/core_dumps.h).
  if (std::string err = util::DisableCoreDumpsUnlessAllowed(); !err.empty()) {
    std::cerr << "WARNING: could not turn core dumps off: " << err << "\n";
  }
  signal(SIGPIPE, SIG_IGN);
  CLI::App app{"spotrunner: a GitLab CI runner on spot capacity it creates on demand"};
  app.set_version_flag("-v,--version", std::string("spotrunner ") + util::kVersion + " (" + util::kRevision + ")");
  app.require_subcommand(1);
  int exit_code = cli::kExitOk;
  cli::AddRegisterCommand(app, exit_code);
  cli::AddVerifyCommand(app, exit_code);
  cli::AddUnregisterCommand(app, exit_code);
  cli::AddListCommand(app, exit_code);
  cli::AddRunCommand(app, exit_code);
  cli::AddCoordinatorCommand(app, exit_code);
  cli::AddEc2EmulatorCommand(app, exit_code);
  cli::AddHelperCommand(app, exit_code);
  cli::AddSimulateCommand(app, exit_code);
  cli::AddAwsCommand(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  return exit_code;
}
