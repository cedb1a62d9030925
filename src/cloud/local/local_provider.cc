#include "cloud/local/local_provider.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <spdlog/spdlog.h>

#include "cloud/local/netns_instance.h"
#include "connect/ssh/ssh_keys.h"

namespace cloud::local {
namespace fs = std::filesystem;
namespace {

constexpr int kProbeMs = 300;

int64_t UnixMs(util::Time t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

util::Status WriteSecret(const std::string& path, const std::string& text) {
  {
    std::ofstream f(path, std::ios::trunc);
    f << text;
    if (!f) return util::Status::IOError("cannot write " + path);
  }
  chmod(path.c_str(), 0600);
  return util::Status::Ok();
}

// Reads the key at `path`, creating it first if missing.
util::Result<std::string> LoadOrCreateKey(const std::string& path, const std::string& comment) {
  std::string pem = ReadAll(path);
  if (pem.empty()) {
    auto kp = connect::GenerateKeyPair(comment);
    if (!kp.ok()) return kp.status();
    SR_RETURN_IF_ERROR(WriteSecret(path, kp->private_pem));
    pem = kp->private_pem;
  }
  return pem;
}

}  // namespace

struct LocalProvider::Impl {
  explicit Impl(const LocalOptions& o) : net(o) {}
  FleetNet net;
  std::string client_key;            // private; never logged
  std::vector<ProviderEvent> events;
};

LocalProvider::LocalProvider(LocalOptions opts, const util::Clock& clock)
    : opts_(std::move(opts)), clock_(clock), impl_(std::make_unique<Impl>(opts_)) {}

LocalProvider::~LocalProvider() = default;

util::Result<std::unique_ptr<LocalProvider>> LocalProvider::Create(const LocalOptions& in, const util::Clock& clock) {
  LocalOptions o = in;
  if (o.fleet.empty()) return util::Status::InvalidArgument("local provider: no fleet name");
  if (o.state_dir.empty()) {
    o.state_dir = "/var/lib/spotrunner/local/" + o.fleet;
    if (!o.manager.empty()) o.state_dir += "/" + o.manager;  // one per manager of the fleet
  }
  std::error_code ec;
  fs::create_directories(o.state_dir, ec);
  if (ec) return util::Status::IOError("local provider: state dir " + o.state_dir + ": " + ec.message());
  chmod(o.state_dir.c_str(), 0700);
  std::unique_ptr<LocalProvider> p(new LocalProvider(o, clock));
  auto client = LoadOrCreateKey(p->impl_->net.StatePath("client_ed25519"), "spotrunner-" + o.fleet);
  if (!client.ok()) return client.status().WithContext("local provider " + o.fleet);
  auto host = LoadOrCreateKey(p->impl_->net.StatePath("host_ed25519"), "spotrunner-host-" + o.fleet);
  if (!host.ok()) return host.status().WithContext("local provider " + o.fleet);
  auto pub = connect::PublicLineOf(*client, "spotrunner-" + o.fleet);
  if (!pub.ok()) return pub.status().WithContext("local provider " + o.fleet + ": client key");
  SR_RETURN_IF_ERROR(WriteSecret(p->impl_->net.StatePath("authorized_keys"), *pub + "\n"));
  p->impl_->client_key = std::move(*client);
  return p;
}

util::Result<std::vector<InstanceInfo>> LocalProvider::List() {
  FleetNet& net = impl_->net;
  std::vector<std::string> present = net.Namespaces();
  std::set<std::string> present_set(present.begin(), present.end());
  // Recorded but without a namespace: removed behind our back. Clean up and report.
  for (const std::string& id : net.Recorded()) {
    if (present_set.count(id)) continue;
    (void)net.DeleteInstance(id);
    spdlog::info("local fleet {}: instance {} vanished", opts_.fleet, id);
    impl_->events.push_back({ProviderEvent::Kind::kGone, id, clock_.Now(), {}});
  }
  std::vector<InstanceInfo> out;
  util::Time now = clock_.Now();
  for (const std::string& id : present) {
    InstanceInfo info;
    info.id = id;
    int64_t ms = net.LaunchedMs(id);
    info.launched = ms >= 0 ? util::Time(std::chrono::milliseconds(ms)) : now;
    bool booted = now - info.launched >= opts_.boot_delay;
    info.state = booted && net.SshAnswers(net.IndexOf(id), kProbeMs) ? InstanceState::kRunning
                                                                        : InstanceState::kCreating;
    out.push_back(std::move(info));
  }
  return out;
}

util::Result<int> LocalProvider::Increase(int n) {
  if (n <= 0) return util::Status::InvalidArgument("local provider: Increase(" + std::to_string(n) + ")");
  FleetNet& net = impl_->net;
  std::vector<std::string> present = net.Namespaces();
  int room = opts_.max_instances - static_cast<int>(present.size());
  if (room <= 0) {
    return util::Status::ResourceExhausted("local fleet " + opts_.fleet + ": at max_instances (" +
                                           std::to_string(opts_.max_instances) + ")");
  }
  SR_RETURN_IF_ERROR(net.EnsureBridge());
  std::set<int> used;
  for (const auto& id : present) used.insert(net.IndexOf(id));
  // An id (and its address) is not reused soon: the autoscaler may still book a removed
  // instance under it. New instances take the indexes after the last one launched,
  // wrapping around after 253; the next index is kept in the state dir across restarts.
  const std::string hint_path = opts_.state_dir + "/next_index";
  int start = 1;
  {
    std::ifstream in(hint_path);
    if (!(in >> start) || start < 1 || start > 253) start = 1;
  }
  int granted = 0;
  int want = std::min(n, room);
  for (int k = 0; k < 253 && granted < want; ++k) {
    int idx = (start - 1 + k) % 253 + 1;
    if (used.count(idx)) continue;
    // Each instance gets a host key of its own; Connect() hands its public half out as the
    // only key to accept (no trust on first use).
    auto host_key = connect::GenerateKeyPair("");
    if (!host_key.ok()) return host_key.status().WithContext("local fleet " + opts_.fleet);
    auto st = net.CreateInstance(idx, UnixMs(clock_.Now()), host_key->private_pem);
    if (!st.ok()) {
      if (granted > 0) break;  // partial grant
      if (present.empty()) net.DeleteBridge();
      return util::Status::Unavailable(st.message());
    }
    if (opts_.dead_man_timeout.count() > 0) {
      if (auto w = net.StartWatcher(net.InstanceId(idx), opts_.dead_man_timeout); !w.ok()) {
        (void)net.DeleteInstance(net.InstanceId(idx));  // an instance without its switch could outlive us
        if (granted > 0) break;
        if (present.empty()) net.DeleteBridge();
        return util::Status::Unavailable(w.message());
      }
    }
    if (opts_.docker_engine) {
      if (auto e = net.StartEngine(net.InstanceId(idx), *opts_.docker_engine); !e.ok()) {
        (void)net.DeleteInstance(net.InstanceId(idx));
        if (granted > 0) break;
        if (present.empty()) net.DeleteBridge();
        return util::Status::Unavailable(e.message());
      }
    }
    spdlog::info("local fleet {}: launched {} at {}", opts_.fleet, net.InstanceId(idx), net.Address(idx));
    ++granted;
    std::ofstream(hint_path, std::ios::trunc) << idx % 253 + 1 << "\n";
  }
  if (granted == 0) return util::Status::ResourceExhausted("local fleet " + opts_.fleet + ": no free address");
  return granted;
}

util::Result<std::vector<std::string>> LocalProvider::Decrease(const std::vector<std::string>& ids) {
  FleetNet& net = impl_->net;
  std::vector<std::string> done;
  util::Status last;
  for (const auto& id : ids) {
    auto st = net.DeleteInstance(id);  // ids of other fleets are not ours: done, untouched
    if (st.ok()) {
      done.push_back(id);
    } else {
      spdlog::warn("local fleet {}: removing {}: {}", opts_.fleet, id, st.message());
      last = st;
    }
  }
  if (net.Namespaces().empty()) net.DeleteBridge();
  if (done.empty() && !ids.empty() && !last.ok()) return util::Status::Unavailable(last.message());
  return done;
}

util::Result<ConnectInfo> LocalProvider::Connect(const std::string& id) {
  FleetNet& net = impl_->net;
  int n = net.IndexOf(id);
  std::vector<std::string> present = net.Namespaces();
  if (n < 0 || std::find(present.begin(), present.end(), id) == present.end()) {
    return util::Status::NotFound("local fleet " + opts_.fleet + ": no instance " + id);
  }
  int64_t ms = net.LaunchedMs(id);
  if ((ms >= 0 && clock_.Now() - util::Time(std::chrono::milliseconds(ms)) < opts_.boot_delay) ||
      !net.SshAnswers(n, kProbeMs)) {
    return util::Status::FailedPrecondition("local fleet " + opts_.fleet + ": instance " + id + " is still booting");
  }
  auto host_key = connect::PublicLineOf(ReadAll(net.HostKeyPath(id)), "");
  if (!host_key.ok()) return host_key.status().WithContext("local fleet " + opts_.fleet + ": host key of " + id);
  ConnectInfo c;
  c.id = id;
  c.host_key = *host_key;
  c.port = 22;
  c.username = opts_.username;
  if (!opts_.instance_keys) c.key_pem = impl_->client_key;
  c.internal_addr = net.Address(n);
  c.external_addr = net.Address(n);
  return c;
}

util::Status LocalProvider::SetAuthorizedKeys(const std::string& id, const std::vector<std::string>& keys) {
  if (!opts_.instance_keys)
    return util::Status::FailedPrecondition("local fleet " + opts_.fleet + ": instances share the fleet key (instance_keys is off)");
  FleetNet& net = impl_->net;
  std::vector<std::string> present = net.Namespaces();
  if (net.IndexOf(id) < 0 || std::find(present.begin(), present.end(), id) == present.end())
    return util::Status::NotFound("local fleet " + opts_.fleet + ": no instance " + id);
  std::string text;
  for (const auto& k : keys) {
    if (k.find('\n') != std::string::npos)
      return util::Status::InvalidArgument("local fleet " + opts_.fleet + ": an authorized key spans lines");
    text += k + "\n";
  }
  return WriteSecret(net.AuthorizedKeysPath(id), text);
}

util::Status LocalProvider::SetHostKey(const std::string& id, const std::string& private_pem) {
  FleetNet& net = impl_->net;
  std::vector<std::string> present = net.Namespaces();
  if (net.IndexOf(id) < 0 || std::find(present.begin(), present.end(), id) == present.end())
    return util::Status::NotFound("local fleet " + opts_.fleet + ": no instance " + id);
  if (!connect::PublicLineOf(private_pem, "").ok())
    return util::Status::InvalidArgument("local fleet " + opts_.fleet + ": the host key for " + id +
                                         " is not a readable unencrypted private key");
  return net.ReplaceHostKey(id, private_pem);
}

util::Status LocalProvider::StartDeadManSwitch(const std::string& id, std::chrono::seconds timeout) {
  return impl_->net.StartWatcher(id, timeout);
}

util::Status LocalProvider::StartEngine(const std::string& id, const EngineConfig& engine) {
  return impl_->net.StartEngine(id, engine);
}

std::vector<ProviderEvent> LocalProvider::TakeEvents() {
  std::vector<ProviderEvent> out;
  out.swap(impl_->events);
  return out;
}

}  // namespace cloud::local
