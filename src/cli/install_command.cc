#include "cli/install_command.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/common.h"
#include "cli/service_unit.h"
#include "cloud/local/host_command.h"
#include "config/atomic_file.h"
#include "config/parse.h"
#include "config/write.h"

namespace cli {
namespace {

namespace fs = std::filesystem;

struct Account {
  std::string name;
  std::string home;
  uid_t uid = 0;
  gid_t gid = 0;
};

util::Result<Account> LookUpUser(const std::string& name) {
  std::vector<char> buf(16384);
  passwd pw{};
  passwd* found = nullptr;
  int rc = name.empty() ? getpwuid_r(geteuid(), &pw, buf.data(), buf.size(), &found)
                        : getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found);
  if (rc != 0 || found == nullptr) {
    if (name.empty()) return util::Status::NotFound("the current user (uid " + std::to_string(geteuid()) + ") has no passwd entry");
    return util::Status::NotFound("user \"" + name + "\" does not exist on this machine");
  }
  return Account{pw.pw_name, pw.pw_dir ? pw.pw_dir : "/", pw.pw_uid, pw.pw_gid};
}

std::string UnitFile(const std::string& service) { return service + ".service"; }

// The unit of that name a package installed, if any.
std::string PackageUnit(const ServiceHost& host, const std::string& service) {
  for (const std::string& dir : host.package_unit_dirs) {
    std::error_code ec;
    fs::path p = fs::path(dir) / UnitFile(service);
    if (fs::exists(p, ec)) return p.string();
  }
  return "";
}

std::string NoSystemd(const ServiceHost& host) {
  return "systemd is not running on this machine (PID 1 is \"" + host.init_name + "\")";
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs systemctl; a failure is a message naming the command and what systemctl said.
util::Status Systemctl(const ServiceHost& host, const std::vector<std::string>& args) {
  ServiceHost::Output r = host.systemctl(args);
  if (r.exit_code == 0) return util::Status::Ok();
  std::string cmd = "systemctl";
  for (const auto& a : args) cmd += " " + a;
  return util::Status::Internal(cmd + " failed (exit " + std::to_string(r.exit_code) + "): " + Trimmed(r.text));
}

// What install created, undone when a later step fails so that nothing is left half done.
class Undo {
 public:
  ~Undo() {
    if (committed_) return;
    for (auto it = paths_.rbegin(); it != paths_.rend(); ++it) {
      std::error_code ec;
      fs::remove(*it, ec);
    }
  }
  void Created(const fs::path& p) { paths_.push_back(p); }
  void Commit() { committed_ = true; }

 private:
  std::vector<fs::path> paths_;
  bool committed_ = false;
};

// Creates config.toml (0600, its new directories 0700, owned by `owner`) unless it
// exists; an existing one must parse. *created tells whether a file was written.
util::Status EnsureConfig(const std::string& path, const Account& owner, Undo& undo, bool* created) {
  *created = false;
  std::error_code ec;
  if (fs::exists(path, ec)) {
    auto loaded = config::LoadConfigFile(path);
    return loaded.ok() ? util::Status::Ok() : loaded.status();
  }
  std::vector<fs::path> missing;
  for (fs::path dir = fs::path(path).parent_path(); !dir.empty() && !fs::exists(dir, ec); dir = dir.parent_path()) {
    missing.push_back(dir);
    if (dir == dir.root_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0) {
      return util::Status::IOError("cannot create the directory \"" + it->string() + "\" for config.toml: " +
                                   std::strerror(errno));
    }
    undo.Created(*it);
  }
  util::Status s = config::WriteConfigFile(path, config::Config{});
  if (!s.ok()) return s;
  undo.Created(path);
  *created = true;
  if (owner.uid != geteuid()) {
    for (const fs::path& p : missing) {
      if (::chown(p.c_str(), owner.uid, owner.gid) != 0) {
        return util::Status::IOError("cannot give \"" + p.string() + "\" to " + owner.name + ": " + std::strerror(errno));
      }
    }
    if (::chown(path.c_str(), owner.uid, owner.gid) != 0) {
      return util::Status::IOError("cannot give \"" + path + "\" to " + owner.name + ": " + std::strerror(errno));
    }
  }
  return util::Status::Ok();
}

std::string ReadInitName() {
  std::ifstream f("/proc/1/comm");
  std::string name;
  std::getline(f, name);
  return name.empty() ? "unknown" : name;
}

std::string SelfPath() {
  std::error_code ec;
  fs::path p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "/usr/bin/spotrunner" : p.string();
}

}  // namespace

ServiceHost RealServiceHost() {
  ServiceHost h;
  h.binary = SelfPath();
  std::error_code ec;
  h.systemd_running = fs::is_directory("/run/systemd/system", ec);
  h.init_name = ReadInitName();
  h.root = geteuid() == 0;
  h.systemctl = [](const std::vector<std::string>& args) {
    std::vector<std::string> argv{"systemctl"};
    argv.insert(argv.end(), args.begin(), args.end());
    // stop waits for the service to end: up to its TimeoutStopSec.
    auto r = cloud::local::RunCommand(argv, std::chrono::seconds(kServiceStopTimeoutSeconds + 60));
    if (!r.ok()) return ServiceHost::Output{-1, r.status().message()};
    return ServiceHost::Output{r->exit_code, r->output};
  };
  return h;
}

int RunInstall(const InstallOptions& o, const ServiceHost& host, std::ostream& out, std::ostream& err) {
  if (!IsValidServiceName(o.service)) {
    err << "ERROR: --service \"" << o.service << "\": a service name holds only letters, digits and :_.-\n";
    return kExitUsage;
  }
  if (host.root && o.user.empty()) {
    err << "ERROR: specify the user the " << o.service
        << " service runs its shell jobs as with --user (the service itself runs as root and keeps config.toml "
           "to itself; --user root runs jobs as root)\n";
    return kExitUsage;
  }
  auto account = LookUpUser(o.user);
  if (!account.ok()) {
    err << "ERROR: --user: " << account.status().message() << "\n";
    return kExitFailure;
  }
  std::string config_path = o.config;
  if (config_path.empty()) {
    config_path = host.root ? "/etc/spotrunner/config.toml" : account->home + "/.spotrunner/config.toml";
  }
  std::string wd = o.working_directory.empty() ? account->home : o.working_directory;
  std::error_code ec;
  config_path = fs::absolute(config_path, ec).lexically_normal().string();
  wd = fs::absolute(wd, ec).lexically_normal().string();

  ServiceUnitOptions uo;
  uo.name = o.service;
  uo.binary = host.binary;
  uo.config = config_path;
  uo.working_directory = wd;
  if (host.root) {
    uo.job_user = account->name;
  } else {
    uo.service_user = account->name;
  }
  auto unit = RenderServiceUnit(uo);
  if (!unit.ok()) {
    err << "ERROR: " << unit.status().message() << "\n";
    return kExitUsage;
  }

  fs::path unit_path = fs::path(host.unit_dir) / UnitFile(o.service);
  if (fs::exists(unit_path, ec) || fs::is_symlink(unit_path, ec)) {
    err << "ERROR: the unit " << unit_path.string() << " already exists; remove it with `spotrunner uninstall"
        << (o.service == "spotrunner" ? "" : " --service " + o.service)
        << "` first, or install under another name with --service\n";
    return kExitFailure;
  }
  if (std::string pkg = PackageUnit(host, o.service); !pkg.empty()) {
    err << "ERROR: the unit " << UnitFile(o.service) << " is already installed by a package (" << pkg
        << "); use it (`spotrunner start`), or install under another name with --service\n";
    return kExitFailure;
  }
  if (!fs::is_directory(host.unit_dir, ec)) {
    err << "ERROR: cannot install the " << o.service << " service: " << host.unit_dir
        << " does not exist (systemd is not installed on this machine); nothing was written. Run the runner in the "
           "foreground instead: "
        << host.binary << " run --config " << config_path << "\n";
    return kExitNoSystemd;
  }

  Undo undo;
  bool created_config = false;
  // config.toml belongs to whoever runs the service: root for a system install, so the
  // jobs' user cannot read the tokens in it.
  Account owner = *account;
  if (host.root) {
    owner.name = "root";
    owner.uid = geteuid();
    owner.gid = getegid();
  }
  util::Status s = EnsureConfig(config_path, owner, undo, &created_config);
  if (!s.ok()) {
    err << "ERROR: " << s.message() << "; nothing was installed\n";
    return kExitFailure;
  }
  s = config::WriteFileAtomically(unit_path.string(), *unit, 0644);
  if (!s.ok()) {
    err << "ERROR: " << s.message() << "; nothing was installed\n";
    return kExitFailure;
  }
  undo.Commit();
  if (created_config) out << "Created " << config_path << " (mode 0600)\n";
  out << "Wrote " << unit_path.string() << ": " << o.service << " runs `" << host.binary << " run` as "
      << (host.root ? "root, its shell jobs as " + account->name : account->name)
      << "; stop lets running jobs finish and removes the fleet\n";

  if (!host.systemd_running) {
    err << "WARNING: the " << o.service << " service could not be enabled: " << NoSystemd(host)
        << ". The unit is in place for when this machine boots with systemd; meanwhile run the runner in the "
           "foreground: "
        << host.binary << " run --config " << config_path << " --working-directory " << wd << "\n";
    return kExitNoSystemd;
  }
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"daemon-reload"}, std::vector<std::string>{"enable", UnitFile(o.service)}}) {
    s = Systemctl(host, args);
    if (!s.ok()) {
      err << "ERROR: " << s.message() << "\nThe unit stays at " << unit_path.string()
          << " (not enabled); remove it with `spotrunner uninstall`\n";
      return kExitFailure;
    }
  }
  out << "Enabled " << UnitFile(o.service) << " (it starts at boot); start it now with `spotrunner start`\n";
  return kExitOk;
}

int RunUninstall(const std::string& service, const ServiceHost& host, std::ostream& out, std::ostream& err) {
  if (!IsValidServiceName(service)) {
    err << "ERROR: --service \"" << service << "\": a service name holds only letters, digits and :_.-\n";
    return kExitUsage;
  }
  fs::path unit_path = fs::path(host.unit_dir) / UnitFile(service);
  std::error_code ec;
  if (!fs::exists(unit_path, ec) && !fs::is_symlink(unit_path, ec)) {
    if (std::string pkg = PackageUnit(host, service); !pkg.empty()) {
      err << "ERROR: " << UnitFile(service) << " was installed by a package (" << pkg
          << "); remove the package (apt-get remove spotrunner) instead\n";
    } else {
      err << "ERROR: the " << service << " service is not installed (no " << unit_path.string() << ")\n";
    }
    return kExitFailure;
  }
  if (host.systemd_running) {
    util::Status s = Systemctl(host, {"disable", UnitFile(service)});
    if (!s.ok()) {
      err << "ERROR: " << s.message() << "; " << unit_path.string() << " was left in place\n";
      return kExitFailure;
    }
  }
  if (!fs::remove(unit_path, ec) || ec) {
    err << "ERROR: cannot remove " << unit_path.string() << ": " << (ec ? ec.message() : "not removed") << "\n";
    return kExitFailure;
  }
  out << "Removed " << unit_path.string() << "\n";
  if (host.systemd_running) {
    util::Status s = Systemctl(host, {"daemon-reload"});
    if (!s.ok()) err << "WARNING: " << s.message() << "\n";
  } else {
    out << "(" << NoSystemd(host) << ": there was nothing to disable)\n";
  }
  return kExitOk;
}

int RunServiceAction(const std::string& action, const std::string& service, const ServiceHost& host,
                     std::ostream& out, std::ostream& err) {
  if (!IsValidServiceName(service)) {
    err << "ERROR: --service \"" << service << "\": a service name holds only letters, digits and :_.-\n";
    return kExitUsage;
  }
  if (!host.systemd_running) {
    err << "ERROR: cannot " << action << " the " << service << " service: " << NoSystemd(host)
        << ". Run the runner in the foreground instead: spotrunner run (SIGQUIT stops it gracefully)\n";
    return kExitNoSystemd;
  }
  util::Status s = Systemctl(host, {action, UnitFile(service)});
  if (!s.ok()) {
    err << "ERROR: " << s.message() << "\n";
    return kExitFailure;
  }
  const char* done = action == "start" ? "started" : action == "stop" ? "stopped" : "restarted";
  out << service << ": " << done << "\n";
  return kExitOk;
}

int RunServiceStatus(const std::string& service, const ServiceHost& host, std::ostream& out, std::ostream& err) {
  if (!IsValidServiceName(service)) {
    err << "ERROR: --service \"" << service << "\": a service name holds only letters, digits and :_.-\n";
    return kExitUsage;
  }
  if (!host.systemd_running) {
    err << service << ": status unknown: " << NoSystemd(host) << "\n";
    return kExitNoSystemd;
  }
  ServiceHost::Output r = host.systemctl({"is-active", UnitFile(service)});
  std::string state = Trimmed(r.text);
  if (state == "active" || state == "activating" || state == "reloading") {
    out << service << ": Service is running\n";
    return kExitOk;
  }
  std::error_code ec;
  bool installed = fs::exists(fs::path(host.unit_dir) / UnitFile(service), ec) || !PackageUnit(host, service).empty();
  if (!installed) {
    err << service << ": Service is not installed\n";
  } else if (state == "failed") {
    err << service << ": Service has failed (journalctl -u " << service << " tells why)\n";
  } else if (state == "inactive" || state == "deactivating") {
    err << service << ": Service has stopped\n";
  } else {
    err << service << ": Service status unknown: " << state << "\n";
  }
  return kExitFailure;
}

void AddServiceCommands(CLI::App& app, int& exit_code) {
  auto io = std::make_shared<InstallOptions>();
  CLI::App* install = app.add_subcommand(
      "install", "Install spotrunner as a systemd service (exit 3: unit written, systemd not running here)");
  install->add_option("-n,--service", io->service, "Service name")->capture_default_str();
  install->add_option("-u,--user", io->user, "User the shell jobs run as (required as root; the service runs as root)");
  install->add_option("-d,--working-directory", io->working_directory, "Working directory (default: the user's home)");
  install->add_option("-c,--config", io->config, "Config file (default: /etc/spotrunner/config.toml for root)")
      ->envname("CONFIG_FILE");
  install->callback([io, &exit_code] { exit_code = RunInstall(*io, RealServiceHost(), std::cout, std::cerr); });

  auto service = std::make_shared<std::string>("spotrunner");
  auto add = [&](const std::string& name, const std::string& help, std::function<int(const std::string&)> run) {
    CLI::App* c = app.add_subcommand(name, help);
    c->add_option("-n,--service", *service, "Service name")->capture_default_str();
    c->callback([service, run, &exit_code] { exit_code = run(*service); });
  };
  add("uninstall", "Remove the systemd service", [](const std::string& s) {
    return RunUninstall(s, RealServiceHost(), std::cout, std::cerr);
  });
  for (const auto& [action, help] : {std::pair<std::string, std::string>{"start", "Start the systemd service"},
                                     {"stop", "Stop the systemd service: running jobs finish, then the fleet is removed"},
                                     {"restart", "Restart the systemd service (a graceful stop, then a start)"}}) {
    add(action, help, [a = action](const std::string& s) {
      return RunServiceAction(a, s, RealServiceHost(), std::cout, std::cerr);
    });
  }
  add("status", "Say whether the service runs (exit 0: running, 1: not running, 3: no systemd)",
      [](const std::string& s) { return RunServiceStatus(s, RealServiceHost(), std::cout, std::cerr); });
}

}  // namespace cli
