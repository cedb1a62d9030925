#include "cloud/local/netns_instance.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cloud/dead_man_switch.h"
#include "cloud/local/host_command.h"
#include "cloud/local/instance_system.h"

namespace cloud::local {
namespace fs = std::filesystem;
namespace {

constexpr char kNetnsDir[] = "/run/netns";

uint32_t Fnv(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

// Kills every process whose network namespace has inode `ino`; waits (bounded) until gone.
void KillNamespaceProcesses(uint64_t ino) {
  const std::string want = "net:[" + std::to_string(ino) + "]";
  KillProcessesWhere([&](const fs::path& proc) {
    char buf[64];
    ssize_t n = readlink((proc / "ns/net").c_str(), buf, sizeof(buf) - 1);
    return n > 0 && std::string(buf, static_cast<size_t>(n)) == want;
  });
}

}  // namespace

FleetNet::FleetNet(const LocalOptions& o)
    : fleet_(o.fleet), state_dir_(o.state_dir), instance_keys_(o.instance_keys) {
  // Another manager of the same fleet gets other names, bridge, subnet and MACs.
  if (!o.manager.empty()) {
    char m[16];
    std::snprintf(m, sizeof(m), "%06x", Fnv(o.manager) & 0xffffff);
    manager_hex_ = m;
  }
  uint32_t h = Fnv(manager_hex_.empty() ? o.fleet : o.fleet + "/" + manager_hex_);
  char hex[16];
  std::snprintf(hex, sizeof(hex), "%06x", h & 0xffffff);
  hex_ = hex;
  bridge_ = o.bridge.empty() ? "srb" + hex_ : o.bridge;
  if (o.subnet.empty()) {
    prefix_ = "10." + std::to_string(100 + h % 100) + "." + std::to_string((h >> 8) & 0xff) + ".";
  } else {
    prefix_ = o.subnet.substr(0, o.subnet.rfind('.') + 1);
  }
}

std::string FleetNet::HostKeyPath(const std::string& id) const {
  std::string own = StatePath(id + ".host_ed25519");
  return fs::exists(own) ? own : StatePath("host_ed25519");
}

namespace {

util::Status WriteKeyFile(const std::string& path, const std::string& pem) {
  std::string tmp = path + ".new";
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) return util::Status::IOError("cannot write " + tmp);
    chmod(tmp.c_str(), 0600);
    f << pem;
    f.close();
    if (!f) return util::Status::IOError("cannot write " + tmp);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) return util::Status::IOError("cannot write " + path);
  return util::Status::Ok();
}

}  // namespace

std::string FleetNet::AuthorizedKeysPath(const std::string& id) const {
  return instance_keys_ ? StatePath(id + ".authorized_keys") : StatePath("authorized_keys");
}

std::string FleetNet::IdPrefix() const {
  return "sr-" + fleet_ + "-" + (manager_hex_.empty() ? "" : manager_hex_ + "-");
}

std::string FleetNet::InstanceId(int n) const { return IdPrefix() + std::to_string(n); }

int FleetNet::IndexOf(const std::string& id) const {
  std::string pre = IdPrefix();
  if (id.rfind(pre, 0) != 0 || id.size() == pre.size() || id.size() > pre.size() + 3) return -1;
  std::string num = id.substr(pre.size());
  if (!std::all_of(num.begin(), num.end(), ::isdigit) || num[0] == '0') return -1;
  int n = std::stoi(num);
  return n >= 1 && n <= 253 ? n : -1;
}

std::string FleetNet::Address(int n) const { return prefix_ + std::to_string(n + 1); }
std::string FleetNet::BridgeAddress() const { return prefix_ + "1"; }
std::string FleetNet::VethHost(int n) const { return "sv" + hex_ + "-" + std::to_string(n); }
std::string FleetNet::VethPeer(int n) const { return "sp" + hex_ + "-" + std::to_string(n); }

std::vector<std::string> FleetNet::Namespaces() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(kNetnsDir, ec)) {
    std::string name = d.path().filename().string();
    if (IndexOf(name) > 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FleetNet::Recorded() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(state_dir_, ec)) {
    if (d.path().extension() != ".launched") continue;
    std::string id = d.path().stem().string();
    if (IndexOf(id) > 0) out.push_back(id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t FleetNet::LaunchedMs(const std::string& id) const {
  std::string s = ReadSmallFile(StatePath(id + ".launched"));
  if (s.empty()) return -1;
  return std::strtoll(s.c_str(), nullptr, 10);
}

bool FleetNet::SshAnswers(int n, int ms) const {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(22);
  inet_pton(AF_INET, Address(n).c_str(), &sa.sin_addr);
  bool ok = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0 || errno == EINPROGRESS) {
    std::string got;
    while (got.size() < 4) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[64];
      ssize_t r = read(fd, buf, sizeof(buf));
      if (r <= 0) break;
      got.append(buf, static_cast<size_t>(r));
    }
    ok = got.rfind("SSH-", 0) == 0;
  }
  close(fd);
  return ok;
}

util::Status FleetNet::EnsureBridge() {
  if (fs::exists("/sys/class/net/" + bridge_)) return util::Status::Ok();
  auto routed = RunChecked({"ip", "-o", "route", "show", "to", "match", BridgeAddress()});
  if (!routed.ok()) return routed.status();
  std::istringstream lines(*routed);
  for (std::string line; std::getline(lines, line);) {
    // The default route matches everything; only a more specific route means a clash.
    if (line.rfind("default", 0) == 0 || line.empty()) continue;
    return util::Status::FailedPrecondition("local fleet \"" + fleet_ + "\": subnet " + prefix_ +
                                            "0/24 is already routed on this host (" + line + "); choose another subnet");
  }
  uint32_t h = Fnv(manager_hex_.empty() ? fleet_ : fleet_ + "/" + manager_hex_);
  char mac[32];
  std::snprintf(mac, sizeof(mac), "02:53:52:%02x:%02x:%02x", h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff);
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"ip", "link", "add", "name", bridge_, "address", mac, "type", "bridge"},
           {"ip", "addr", "add", BridgeAddress() + "/24", "dev", bridge_},
           {"ip", "link", "set", bridge_, "up"}}) {
    auto r = RunChecked(argv);
    if (!r.ok()) {
      DeleteBridge();
      return r.status();
    }
  }
  return util::Status::Ok();
}

void FleetNet::DeleteBridge() {
  if (fs::exists("/sys/class/net/" + bridge_)) (void)RunCommand({"ip", "link", "del", bridge_});
}

util::Status FleetNet::WriteSshdConfig(const std::string& id, int n) const {
  std::ofstream f(StatePath(id + ".sshd_config"), std::ios::trunc);
  f << "# sshd of local instance " << id << "\n"
    << "ListenAddress " << Address(n) << ":22\n"
    << "HostKey " << HostKeyPath(id) << "\n"
    << "AuthorizedKeysFile " << AuthorizedKeysPath(id) << "\n"
    << "PidFile " << StatePath(id + ".pid") << "\n"
    << "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
    << "UsePAM no\nStrictModes no\nUseDNS no\nPrintMotd no\nPrintLastLog no\n"
    << "AllowTcpForwarding yes\nAllowStreamLocalForwarding yes\nMaxSessions 64\nMaxStartups 64:30:128\n"
    // bash skips ~/.bashrc (a slow profile) unless it is the first level; the heartbeat
    // file of the dead-man switch is this instance's own (the filesystem is shared).
    << "SetEnv SHLVL=1 " << kHeartbeatFileEnv << "=" << StatePath(id + ".heartbeat") << "\n"
    << "Subsystem sftp internal-sftp\n";
  f.close();
  if (!f) return util::Status::IOError("cannot write " + StatePath(id + ".sshd_config"));
  return util::Status::Ok();
}

util::Status FleetNet::CreateInstance(int n, int64_t launched_ms, const std::string& host_key_pem) {
  const std::string id = InstanceId(n);
  const std::string host = VethHost(n), peer = VethPeer(n), addr = Address(n);
  auto fail = [&](const util::Status& st) {
    (void)DeleteInstance(id);
    return st.WithContext("local instance " + id);
  };
  {
    std::ofstream f(StatePath(id + ".launched"), std::ios::trunc);
    f << launched_ms << "\n";
    if (!f) return util::Status::IOError("cannot write " + StatePath(id + ".launched"));
  }
  std::error_code ec;
  fs::create_directories("/run/sshd", ec);  // sshd's privilege separation directory
  for (const auto& argv : std::vector<std::vector<std::string>>{
           {"ip", "netns", "add", id},
           {"ip", "link", "add", host, "type", "veth", "peer", "name", peer},
           {"ip", "link", "set", peer, "netns", id},
           {"ip", "link", "set", host, "master", bridge_},
           {"ip", "link", "set", host, "up"},
           {"ip", "-n", id, "link", "set", peer, "name", "eth0"},
           {"ip", "-n", id, "addr", "add", addr + "/24", "dev", "eth0"},
           {"ip", "-n", id, "link", "set", "eth0", "up"},
           {"ip", "-n", id, "link", "set", "lo", "up"},
           {"ip", "-n", id, "route", "add", "default", "via", BridgeAddress()}}) {
    auto r = RunChecked(argv);
    if (!r.ok()) return fail(r.status());
  }
  struct stat st {};
  if (stat((std::string(kNetnsDir) + "/" + id).c_str(), &st) != 0) return fail(util::Status::Internal("netns vanished"));
  {
    std::ofstream f(StatePath(id + ".netns"), std::ios::trunc);
    f << st.st_ino << "\n";
  }
  if (util::Status k = WriteKeyFile(StatePath(id + ".host_ed25519"), host_key_pem); !k.ok()) return fail(k);
  if (instance_keys_) {  // opens to no key until SetAuthorizedKeys
    std::ofstream f(AuthorizedKeysPath(id), std::ios::trunc);
    if (!f) return fail(util::Status::IOError("cannot write " + AuthorizedKeysPath(id)));
  }
  auto w = WriteSshdConfig(id, n);
  if (!w.ok()) return fail(w);
  if (util::Status s = SystemOf(id).Start(); !s.ok()) return fail(s);
  auto r = StartSshd(id);
  if (!r.ok()) return fail(r);
  return util::Status::Ok();
}

util::Status FleetNet::ReplaceHostKey(const std::string& id, const std::string& host_key_pem) {
  if (IndexOf(id) < 0) return util::Status::NotFound("local instance " + id + " is not of this fleet");
  SR_RETURN_IF_ERROR(WriteKeyFile(StatePath(id + ".host_ed25519"), host_key_pem));
  SR_RETURN_IF_ERROR(WriteSshdConfig(id, IndexOf(id)));
  std::string pid_text = ReadSmallFile(StatePath(id + ".pid"));
  pid_t pid = static_cast<pid_t>(std::strtol(pid_text.c_str(), nullptr, 10));
  if (pid > 1 && ReadSmallFile("/proc/" + std::to_string(pid) + "/comm").rfind("sshd", 0) == 0) {
    kill(pid, SIGTERM);  // the listener only; sessions of other sshd processes stay
    for (int i = 0; i < 100 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (kill(pid, 0) == 0) return util::Status::Unavailable("local instance " + id + ": sshd did not stop");
  }
  if (util::Status r = StartSshd(id); !r.ok()) return r.WithContext("local instance " + id + ": restarting sshd");
  // sshd returns once it has daemonised, which may be before it listens: the instance
  // answers with the new key when this returns, as after cloud-init on a real one.
  for (int i = 0; i < 50; ++i) {
    if (SshAnswers(IndexOf(id), 200)) return util::Status::Ok();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return util::Status::Unavailable("local instance " + id + ": sshd does not answer after its host key changed");
}

util::Status FleetNet::DeleteInstance(const std::string& id) {
  int n = IndexOf(id);
  if (n < 0) return util::Status::Ok();
  // Processes first: a namespace lives on while a process is in it, even after `ip netns del`.
  std::string ino = ReadSmallFile(StatePath(id + ".netns"));
  struct stat st {};
  if (stat((std::string(kNetnsDir) + "/" + id).c_str(), &st) == 0) KillNamespaceProcesses(st.st_ino);
  if (!ino.empty()) KillNamespaceProcesses(std::strtoull(ino.c_str(), nullptr, 10));
  SystemOf(id).RemoveLeftovers();  // the Engine's containers, its cgroups and data root
  std::string pid = ReadSmallFile(StatePath(id + ".pid"));
  if (!pid.empty() && std::strtol(pid.c_str(), nullptr, 10) > 1) {
    // Only if that pid is still an sshd (the namespace may be gone, the pid reused).
    std::string comm = ReadSmallFile("/proc/" + std::to_string(std::strtol(pid.c_str(), nullptr, 10)) + "/comm");
    if (comm.rfind("sshd", 0) == 0) kill(static_cast<pid_t>(std::strtol(pid.c_str(), nullptr, 10)), SIGKILL);
  }
  if (fs::exists("/sys/class/net/" + VethHost(n))) (void)RunCommand({"ip", "link", "del", VethHost(n)});
  if (fs::exists(std::string(kNetnsDir) + "/" + id)) {
    auto r = RunChecked({"ip", "netns", "del", id});
    if (!r.ok()) return r.status();
  }
  std::error_code ec;
  for (const char* ext : {".launched", ".netns", ".pid", ".sshd_config", ".authorized_keys", ".host_ed25519", ".heartbeat",
                          ".deadman",
                          ".deadman.log", ".init", ".init-ready", ".init.log", ".resolv.conf", ".daemon.json", ".dockerd.log"})
    fs::remove(StatePath(id + ext), ec);
  return util::Status::Ok();
}

InstanceSystem FleetNet::SystemOf(const std::string& id) const {
  return InstanceSystem(id, StatePath(id), std::string(kNetnsDir) + "/" + id);
}

util::Status FleetNet::StartSshd(const std::string& id) const {
  // In the instance's own mounts; an instance an older version made has none.
  auto enter = SystemOf(id).Enter();
  std::vector<std::string> argv = enter.ok() ? *enter : std::vector<std::string>{"ip", "netns", "exec", id};
  argv.push_back("/usr/sbin/sshd");
  argv.push_back("-f");
  argv.push_back(StatePath(id + ".sshd_config"));
  auto r = RunChecked(argv);
  return r.ok() ? util::Status::Ok() : r.status();
}

util::Status FleetNet::StartEngine(const std::string& id, const EngineConfig& engine) const {
  if (IndexOf(id) < 0 || !fs::exists(std::string(kNetnsDir) + "/" + id))
    return util::Status::NotFound("local instance " + id + " is not present");
  return SystemOf(id).StartEngine(engine).WithContext("local instance " + id);
}

util::Status FleetNet::StartWatcher(const std::string& id, std::chrono::seconds timeout) const {
  if (IndexOf(id) < 0 || !fs::exists(std::string(kNetnsDir) + "/" + id))
    return util::Status::NotFound("local instance " + id + " is not present");
  // Powering off = what DeleteInstance does, from inside: every other process of the
  // namespace, the namespace (its veth goes with it), the state files; the bridge too
  // when no instance of this fleet is left.
  const std::string q = "'" + id + "'";
  WatcherOptions w;
  w.timeout = timeout;
  w.heartbeat_file = StatePath(id + ".heartbeat");
  w.still_present = "[ -e /run/netns/" + q + " ]";
  w.power_off = "  for p in $(ip netns pids " + q + "); do [ \"$p\" = \"$$\" ] || kill -9 \"$p\" 2>/dev/null; done\n"
                + SystemOf(id).RemoveLeftoversShell() +
                "  ip netns del " + q + "\n"
                "  rm -f '" + StatePath(id) + "'.*\n"
                "  ls /run/netns | grep -qE '^" + IdPrefix() + "[0-9]+$' ||\n"
                "    nsenter --net=/proc/self/fd/9 ip link del '" + bridge_ + "' 2>/dev/null\n";
  const std::string script = StatePath(id + ".deadman");
  {
    std::ofstream f(script, std::ios::trunc);
    f << WatcherScript(w);
    if (!f) return util::Status::IOError("cannot write " + script);
  }
  // Detached (its own session, no pipe to us), in the namespace's network only: it keeps
  // this host's mounts, so removing the namespace from inside works, and fd 9 holds this
  // host's network namespace (where the bridge is).
  auto r = RunChecked({"sh", "-c",
                       "exec 9</proc/self/ns/net; setsid nsenter --net=\"$1\" sh \"$2\" </dev/null >>\"$3\" 2>&1 &", "sh",
                       std::string(kNetnsDir) + "/" + id, script, StatePath(id + ".deadman.log")});
  if (!r.ok()) return r.status().WithContext("dead-man switch of " + id);
  return util::Status::Ok();
}

}  // namespace cloud::local
