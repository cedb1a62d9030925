#pragma once
// install, uninstall, start, stop, restart, status: spotrunner as a systemd service, with
// gitlab-runner's flags (install: --user/-u, --working-directory/-d, --config/-c,
// --service/-n; the others: --service/-n).
//
// Exit codes: 0 done; 1 failed (the message says what and where; nothing is left half
// written); 2 bad flags; 3 (kExitNoSystemd) systemd is not running on this machine: install
// has written the unit (and config.toml when missing) but could not enable it, the other
// commands did nothing. status exits 1 when the service is not running.
#include <CLI/CLI.hpp>

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace cli {

// What the service commands need from the machine; RealServiceHost() describes this one.
struct ServiceHost {
  std::string unit_dir = "/etc/systemd/system";  // where install writes <name>.service
  // Where packages put units: a unit of the same name there is "already installed" too.
  std::vector<std::string> package_unit_dirs = {"/lib/systemd/system", "/usr/lib/systemd/system"};
  std::string binary;            // this program's absolute path (ExecStart)
  bool systemd_running = false;  // systemd's own test: /run/systemd/system exists
  std::string init_name;         // /proc/1/comm, named when systemd is not running
  bool root = false;
  // Runs systemctl with these arguments; its exit code and output (stdout and stderr).
  struct Output {
    int exit_code = -1;
    std::string text;
  };
  std::function<Output(const std::vector<std::string>& args)> systemctl;
};
ServiceHost RealServiceHost();

struct InstallOptions {
  std::string service = "spotrunner";
  std::string user;               // the service (and its jobs) run as this user; required as root
  std::string working_directory;  // default: the service user's home
  std::string config;             // default: /etc/spotrunner/config.toml as root, else ~/.spotrunner/config.toml
};

int RunInstall(const InstallOptions& o, const ServiceHost& host, std::ostream& out, std::ostream& err);
int RunUninstall(const std::string& service, const ServiceHost& host, std::ostream& out, std::ostream& err);
// action: "start", "stop" or "restart".
int RunServiceAction(const std::string& action, const std::string& service, const ServiceHost& host,
                     std::ostream& out, std::ostream& err);
int RunServiceStatus(const std::string& service, const ServiceHost& host, std::ostream& out, std::ostream& err);

void AddServiceCommands(CLI::App& app, int& exit_code);

}  // namespace cli
