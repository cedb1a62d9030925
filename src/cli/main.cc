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
#include "cli/install_command.h"
#include "cli/register_command.h"
#include "cli/run_command.h"
#include "cli/runners_commands.h"
#include "cli/simulate_command.h"
#include "util/log.h"
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
  // Logging flags are global, as gitlab-runner's (`spotrunner --debug run`); fallthrough lets
  // them follow the subcommand too (`spotrunner run --log-format json`).
  app.fallthrough();
  std::string log_level, log_format;
  bool debug = false;
  app.add_flag("--debug", debug, "Debug mode (log level debug; also RUNNER_DEBUG=true)");
  app.add_option("--log-format", log_format, "Log format: runner, text, json (overrides config.toml)")
      ->envname("LOG_FORMAT");
  app.add_option("-l,--log-level", log_level, "Log level: debug, info, warn, error, fatal, panic (overrides config.toml)")
      ->envname("LOG_LEVEL");
  int exit_code = cli::kExitOk;
  bool logging_ok = true;
  app.parse_complete_callback([&] {  // before any subcommand runs
    if (!debug) debug = cli::EnvIsTrue("RUNNER_DEBUG");
    util::Status s = util::ConfigureLoggingFromCommandLine(log_level, debug, log_format);
    if (s.ok()) return;
    // `helper` runs inside jobs, whose own LOG_LEVEL/LOG_FORMAT variables mean something else:
    // they must not break a job's cache or artifacts step.
    if (app.got_subcommand("helper")) {
      (void)util::ConfigureLoggingFromCommandLine("", false, "");
      return;
    }
    std::fprintf(stderr, "ERROR: %s\n", s.message().c_str());
    logging_ok = false;
    throw CLI::Success();  // stops before the subcommand; the exit code below says why
  });
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
  cli::AddServiceCommands(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (!logging_ok) return cli::kExitUsage;
    return app.exit(e) == 0 ? cli::kExitOk : cli::kExitUsage;
  }
  return exit_code;
}
