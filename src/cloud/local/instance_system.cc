#include "cloud/local/instance_system.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cloud/local/host_command.h"

namespace cloud::local {
namespace fs = std::filesystem;
namespace {

// What the anchor does in its fresh mount namespace before it sleeps: an empty /run
// (sshd's privilege separation directory in it), the instance's own /var/lib/docker and
// resolver configuration ($1 data root, $2 file to create once done, $3 resolv.conf).
constexpr char kAnchorScript[] =
    "set -e\n"
    "resolv=$(readlink -f /etc/resolv.conf)\n"
    "mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run\n"
    "mkdir -p /run/sshd /run/lock /var/lib/docker\n"
    "mount --bind \"$1\" /var/lib/docker\n"
    "case $resolv in\n"
    "  /run/*) mkdir -p \"${resolv%/*}\"; cat \"$3\" >\"$resolv\" ;;\n"  // a resolver's file, now gone
    "  *) mount --bind \"$3\" \"$resolv\" ;;\n"
    "esac\n"
    ": > \"$2\"\n"
    "exec sleep infinity\n";

// The instance's resolver refuses at once (nothing listens on its own 127.0.0.1:53), so
// a name lookup fails fast, as on a VPC without internet access, instead of waiting for
// this host's resolver, which the namespace cannot reach (dockerd looks names up before
// it pulls through a mirror).
constexpr char kResolvConf[] = "# spotrunner local instance: no resolver\nnameserver 127.0.0.1\noptions attempts:1\n";

// True when `line` of /proc/<pid>/cgroup ("N:controllers:/path") is under "/<id>".
bool UnderCgroup(const std::string& line, const std::string& id) {
  size_t colon = line.find(':', line.find(':') + 1);
  if (colon == std::string::npos) return false;
  std::string path = line.substr(colon + 1);
  const std::string root = "/" + id;
  return path == root || path.rfind(root + "/", 0) == 0;
}

}  // namespace

InstanceSystem::InstanceSystem(std::string id, std::string state_prefix, std::string netns_path)
    : id_(std::move(id)), prefix_(std::move(state_prefix)), netns_path_(std::move(netns_path)) {}

util::Status InstanceSystem::Start() {
  std::error_code ec;
  fs::create_directories(DataRoot(), ec);
  if (ec) return util::Status::IOError("data root " + DataRoot() + ": " + ec.message());
  const std::string ready = prefix_ + ".init-ready", resolv = prefix_ + ".resolv.conf";
  fs::remove(ready, ec);
  {
    std::ofstream f(resolv, std::ios::trunc);
    f << kResolvConf;
    if (!f) return util::Status::IOError("cannot write " + resolv);
  }
  // Detached, no pipe to us: RunChecked returns once the anchor's pid is printed.
  auto pid_text = RunChecked({"sh", "-c",
                              "setsid nsenter --net=\"$1\" unshare --mount --propagation private sh -c \"$2\" anchor "
                              "\"$3\" \"$4\" \"$5\" </dev/null >>\"$6\" 2>&1 & echo $!",
                              "sh", netns_path_, kAnchorScript, DataRoot(), ready, resolv, prefix_ + ".init.log"});
  if (!pid_text.ok()) return pid_text.status().WithContext("starting the instance's mount namespace");
  const pid_t pid = static_cast<pid_t>(std::strtol(pid_text->c_str(), nullptr, 10));
  if (pid <= 1) return util::Status::Internal("starting the instance's mount namespace: no pid in \"" + *pid_text + "\"");
  {
    std::ofstream f(prefix_ + ".init", std::ios::trunc);
    f << pid << "\n";
    if (!f) return util::Status::IOError("cannot write " + prefix_ + ".init");
  }
  for (int i = 0; i < 100; ++i) {
    if (fs::exists(ready)) return util::Status::Ok();
    if (kill(pid, 0) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return util::Status::Unavailable("the instance's mount namespace did not come up: " + ReadSmallFile(prefix_ + ".init.log"));
}

util::Result<std::vector<std::string>> InstanceSystem::Enter() const {
  const std::string pid = std::to_string(std::strtol(ReadSmallFile(prefix_ + ".init").c_str(), nullptr, 10));
  // The anchor must still be this instance's (same network namespace), not a reused pid.
  struct stat anchor {}, ns {};
  if (pid == "0" || stat(("/proc/" + pid + "/ns/net").c_str(), &anchor) != 0 || stat(netns_path_.c_str(), &ns) != 0 ||
      anchor.st_ino != ns.st_ino)
    return util::Status::FailedPrecondition("instance " + id_ + " has no running system (its anchor is gone)");
  return std::vector<std::string>{"nsenter", "--target", pid, "--mount", "--net"};
}

util::Status InstanceSystem::StartEngine(const EngineConfig& engine) const {
  nlohmann::json config = engine.daemon_json.empty() ? nlohmann::json::object()
                                                      : nlohmann::json::parse(engine.daemon_json, nullptr, false);
  if (config.is_discarded() || !config.is_object())
    return util::Status::InvalidArgument("instance " + id_ + ": daemon.json is not a JSON object");
  // The instance's cgroup is its VM boundary: removal kills what runs under it.
  config["cgroup-parent"] = "/" + id_;
  const std::string path = prefix_ + ".daemon.json";
  {
    std::ofstream f(path, std::ios::trunc);
    f << config.dump(2) << "\n";
    if (!f) return util::Status::IOError("cannot write " + path);
  }
  auto enter = Enter();
  if (!enter.ok()) return enter.status();
  std::vector<std::string> argv = {"sh", "-c", "log=$1; shift; \"$@\" </dev/null >>\"$log\" 2>&1 &", "sh",
                                   prefix_ + ".dockerd.log"};
  argv.insert(argv.end(), enter->begin(), enter->end());
  argv.push_back("env");
  argv.insert(argv.end(), engine.env.begin(), engine.env.end());
  for (const char* a : {"setsid", "dockerd", "--config-file"}) argv.push_back(a);
  argv.push_back(path);
  auto r = RunChecked(argv);
  if (!r.ok()) return r.status().WithContext("starting the Docker Engine of " + id_);
  return util::Status::Ok();
}

void InstanceSystem::RemoveLeftovers() const {
  KillProcessesWhere([&](const fs::path& proc) {
    std::istringstream lines(ReadSmallFile(proc / "cgroup"));
    for (std::string line; std::getline(lines, line);)
      if (UnderCgroup(line, id_)) return true;
    return false;
  });
  std::error_code ec;
  std::vector<fs::path> roots = {fs::path("/sys/fs/cgroup") / id_};
  for (const auto& d : fs::directory_iterator("/sys/fs/cgroup", ec))
    if (d.is_directory(ec)) roots.push_back(d.path() / id_);
  for (const auto& root : roots) {
    if (!fs::is_directory(root, ec)) continue;
    std::vector<fs::path> dirs = {root};
    for (const auto& d : fs::recursive_directory_iterator(root, ec))
      if (d.is_directory(ec)) dirs.push_back(d.path());
    // Children first: a cgroup is removed with rmdir once it has none.
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
      return a.native().size() > b.native().size();
    });
    for (const auto& d : dirs) ::rmdir(d.c_str());
  }
  fs::remove_all(DataRoot(), ec);
}

std::string InstanceSystem::RemoveLeftoversShell() const {
  // id_ is [a-z0-9-] (FleetNet ids): safe in a pattern and unquoted paths.
  return "  for f in /proc/[0-9]*/cgroup; do\n"
         "    grep -qE ':/" + id_ + "(/|$)' \"$f\" 2>/dev/null || continue\n"
         "    p=${f#/proc/}; kill -9 \"${p%/cgroup}\" 2>/dev/null\n"
         "  done\n"
         "  for d in /sys/fs/cgroup/" + id_ + " /sys/fs/cgroup/*/" + id_ + "; do\n"
         "    [ -d \"$d\" ] && find \"$d\" -depth -type d -exec rmdir {} + 2>/dev/null\n"
         "  done\n"
         "  rm -rf '" + DataRoot() + "'\n";
}

}  // namespace cloud::local
