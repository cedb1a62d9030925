// The job's network and service containers (DockerExecutor, see docker_executor.h), as
// gitlab-runner's docker executor runs them with a network per build: each service joins the
// job's network under the aliases derived from its image name and its own `alias`; then one
// wait container per service (helper image) dials the service's exposed TCP ports until one
// answers or wait_for_services_timeout passes, and a service that did not come up gets
// gitlab-runner's warning block with both containers' logs. The job goes on either way.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <mutex>
#include <thread>

#include "executor/docker/abort_handle.h"
#include "executor/docker/allow_list.h"
#include "executor/docker/cancel_watcher.h"
#include "executor/docker/container_settings.h"
#include "executor/docker/docker_executor.h"
#include "executor/docker/image_pull.h"
#include "executor/docker/image_ref.h"
#include "executor/docker/labels.h"
#include "executor/docker/multiplexed_stream.h"
#include "executor/docker/pull_policy.h"
#include "executor/docker/service_name.h"

namespace executor::docker {
namespace {

constexpr char kYellow[] = "\x1b[0;33m";
constexpr char kReset[] = "\x1b[0;m";
constexpr size_t kServiceLogLimit = 64 * 1024;  // gitlab-runner's ServiceLogOutputLimit
constexpr int kDefaultWaitSeconds = 30;         // gitlab-runner's DefaultWaitForServicesTimeout

// What gitlab-runner-helper health-check does for the docker executor, in POSIX sh with
// busybox nc: dial every port named by WAIT_FOR_SERVICE_<port>_TCP_PORT on
// WAIT_FOR_SERVICE_TCP_ADDR once a second until one connection succeeds.
constexpr char kWaitScript[] = R"(addr=$WAIT_FOR_SERVICE_TCP_ADDR
set -- $(env | sed -n 's/^WAIT_FOR_SERVICE_[0-9]*_TCP_PORT=//p' | sort -n)
echo "waiting for TCP connection to $addr on [$*]..."
while :; do
  for port in "$@"; do
    echo "dialing $addr:$port..."
    if nc -w 1 "$addr" "$port" -e true >/dev/null 2>&1; then
      echo "dial succeeded on $addr:$port. Exiting..."
      exit 0
    fi
  done
  sleep 1
done
)";

std::string Trim(std::string s) {
  while (!s.empty() && isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::string NameSafe(const std::string& s) {
  std::string out;
  for (char c : s) out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-') ? c : '-';
  return out;
}

}  // namespace

util::Status DockerExecutor::CheckAllowLists(OutputSink& out) {
  const config::DockerConfig& d = cfg_.docker;
  if (!prep_.image.name.empty()) {
    SR_RETURN_IF_ERROR(VerifyAllowedImage(prep_.image.name, "images", d.allowed_images, {d.image}, out));
  }
  std::vector<std::string> internal;
  for (const ServiceSpec& s : prep_.services) {
    if (s.from_config) internal.push_back(s.name);
  }
  for (const ServiceSpec& s : prep_.services) {
    if (!s.from_config) SR_RETURN_IF_ERROR(VerifyAllowedImage(s.name, "services", d.allowed_services, internal, out));
  }
  if (d.services_limit >= 0 && prep_.services.size() > static_cast<size_t>(d.services_limit)) {
    return util::Status::InvalidArgument("too many services requested: " + std::to_string(prep_.services.size()) +
                                         ", only " + std::to_string(d.services_limit) + " allowed");
  }
  std::string user = d.user.empty() ? prep_.image.user : d.user;  // the runner's config wins
  SR_RETURN_IF_ERROR(VerifyAllowedUser(user, d.allowed_users, d.user));
  for (const ServiceSpec& s : prep_.services) {
    auto policies = ResolvePullPolicies(d, s.pull_policy);
    if (!policies.ok()) return policies.status().WithContext("failed to pull image \"" + s.name + "\"");
  }
  return util::Status::Ok();
}

util::Status DockerExecutor::CreateNetwork() {
  Labels l = labels_;
  l[labels::kRole] = "network";
  std::map<std::string, std::string> options;
  if (cfg_.docker.network_mtu > 0) options["com.docker.network.driver.mtu"] = std::to_string(cfg_.docker.network_mtu);
  auto id = engine_.CreateNetwork(BaseName() + "-network", l, options, cfg_.docker.enable_ipv6);
  if (!id.ok()) return id.status().WithContext("creating the job's network");
  network_id_ = *id;
  network_ = BaseName() + "-network";
  return util::Status::Ok();
}

std::string DockerExecutor::NetworkMode() const { return network_.empty() ? cfg_.docker.network_mode : network_; }

util::Status DockerExecutor::StartServices(OutputSink& out, const util::CancelToken& cancel, AbortHandle* abort) {
  const config::DockerConfig& d = cfg_.docker;
  std::set<std::string> used;
  std::vector<RunningService> started;
  for (size_t index = 0; index < prep_.services.size(); ++index) {
    const ServiceSpec& svc = prep_.services[index];
    ServiceName meta = SplitServiceName(svc.name);
    for (const std::string& a : SplitAliases(svc.alias)) meta.aliases.push_back(a);
    std::vector<std::string> aliases;
    for (const std::string& a : meta.aliases) {
      if (used.count(a) || std::find(aliases.begin(), aliases.end(), a) != aliases.end()) {
        out.Write(std::string(kYellow) + "WARNING: Skipping alias \"" + a + "\" for service \"" + svc.name +
                  "\" (services[" + std::to_string(index) + "]): alias is already in use by another service." +
                  kReset + "\n");
        continue;
      }
      aliases.push_back(a);
    }
    if (aliases.empty()) continue;  // every name taken: gitlab-runner starts nothing for it
    if (meta.service.empty()) return util::Status::InvalidArgument("invalid service image name: " + svc.name);
    used.insert(aliases.begin(), aliases.end());

    const bool digest = meta.version.rfind("@sha256", 0) == 0;
    out.Write("Starting service " + meta.service + (digest ? "" : ":") + meta.version + "...\n");
    auto policies = ResolvePullPolicies(d, svc.pull_policy);
    if (!policies.ok()) return policies.status().WithContext("failed to pull image \"" + svc.name + "\"");
    auto auth = PullAuth(meta.image_name);
    if (!auth.ok()) return auth.status().WithContext("failed to pull image \"" + svc.name + "\"");
    ImagePullRequest pull{meta.image_name, *policies, *auth, svc.platform};
    auto image = EnsureImage(engine_, pull, out, abort);
    if (cancel.cancelled()) return util::Status::Cancelled("job cancelled");
    if (!image.ok()) return image.status();

    std::string slug = meta.service;
    for (size_t i = 0; (i = slug.find('/', i)) != std::string::npos; i += 2) slug.replace(i, 1, "__");
    ContainerSpec s;
    s.name = BaseName() + "-" + NameSafe(slug) + "-" + std::to_string(index);
    s.image = *image;
    s.labels = Labels(d.container_labels.begin(), d.container_labels.end());
    for (const auto& [k, v] : labels_) s.labels[k] = v;
    s.labels[labels::kRole] = "service";
    s.env = svc.env;
    s.cmd = svc.command;
    if (svc.entrypoint && !svc.entrypoint->empty()) {
      if (d.disable_entrypoint_overwrite) {
        out.Write(std::string(kYellow) + "WARNING: Entrypoint override disabled" + kReset + "\n");
      } else {
        s.entrypoint = *svc.entrypoint;
      }
    }
    s.user = svc.user;
    s.platform = svc.platform;
    s.privileged = d.services_privileged.value_or(d.privileged) &&
                   PrivilegedAllowed(svc.name, d.allowed_privileged_services);
    s.binds = binds_;
    s.network_mode = NetworkMode();
    s.network_aliases = aliases;
    if (util::Status st = ApplyServiceSettings(d, svc.name, &s); !st.ok()) {
      return st.WithContext("service \"" + svc.name + "\"");
    }
    (void)engine_.RemoveContainer(s.name);  // a name left by an earlier attempt
    auto id = engine_.CreateContainer(s);
    if (!id.ok()) return id.status().WithContext("service \"" + svc.name + "\"");
    containers_.insert(*id);
    if (util::Status st = engine_.StartContainer(*id); !st.ok()) {
      return st.WithContext("service \"" + svc.name + "\"");
    }
    // Running (or already gone) rather than created, like gitlab-runner's inspect loop.
    util::Result<ContainerInfo> info = util::Status::Internal("not inspected");
    for (int i = 0; i < 4 * std::max(d.wait_for_services_timeout, kDefaultWaitSeconds); ++i) {
      info = engine_.InspectContainer(*id);
      if (!info.ok() || info->status != "created") break;
      if (cancel.WaitFor(std::chrono::milliseconds(250))) return util::Status::Cancelled("job cancelled");
    }
    if (!info.ok()) return info.status().WithContext("service \"" + svc.name + "\"");
    if (info->status == "created") return util::Status::Internal("service \"" + svc.name + "\" failed to start");
    RunningService rs{*id, s.name, info->ips, info->exposed_tcp_ports};
    for (const std::string& e : info->env) {  // HEALTHCHECK_TCP_PORT names the one port to wait for
      std::string key = e.substr(0, e.find('='));
      std::transform(key.begin(), key.end(), key.begin(), ::toupper);
      if (key == "HEALTHCHECK_TCP_PORT" && e.find('=') != std::string::npos) {
        int port = atoi(e.c_str() + e.find('=') + 1);
        if (port <= 0) return util::Status::InvalidArgument("invalid health check tcp port: " + e.substr(e.find('=') + 1));
        rs.ports = {port};
      }
    }
    if (rs.ports.size() > 20) rs.ports.resize(20);
    started.push_back(std::move(rs));
  }
  WaitForServices(started, out, cancel);
  if (cancel.cancelled()) return util::Status::Cancelled("job cancelled");
  return util::Status::Ok();
}

void DockerExecutor::WaitForServices(const std::vector<RunningService>& services, OutputSink& out,
                                     const util::CancelToken& cancel) {
  int timeout = cfg_.docker.wait_for_services_timeout;
  if (timeout == 0) timeout = kDefaultWaitSeconds;
  if (timeout < 0 || services.empty()) return;
  out.Write("Waiting for services to be up and running (timeout " + std::to_string(timeout) + " seconds)...\n");
  std::vector<std::thread> threads;
  for (const RunningService& svc : services) {
    threads.emplace_back([&, svc] { WaitForService(svc, std::chrono::seconds(timeout), out, cancel); });
  }
  for (std::thread& t : threads) t.join();
}

util::Status DockerExecutor::HealthCheck(const RunningService& svc, std::chrono::seconds timeout,
                                         const util::CancelToken& cancel, std::string* logs, bool* ran) {
  if (svc.ports.empty()) return util::Status::FailedPrecondition("service \"" + svc.name + "\" has no exposed ports");
  const std::string name = svc.name + "-wait-for-service";
  const std::string short_id = svc.id.substr(0, 12);
  ContainerSpec s;
  s.name = name;
  s.image = helper_image_;
  s.entrypoint = std::vector<std::string>{""};
  s.cmd = {"sh", "-c", kWaitScript};
  s.env = {"WAIT_FOR_SERVICE_TCP_ADDR=" + short_id};
  for (int p : svc.ports) s.env.push_back("WAIT_FOR_SERVICE_" + std::to_string(p) + "_TCP_PORT=" + std::to_string(p));
  s.labels = labels_;
  s.labels[labels::kRole] = "wait";
  s.network_mode = NetworkMode();
  for (const std::string& ip : svc.ips) s.extra_hosts = {short_id + ":" + ip};
  (void)engine_.RemoveContainer(name);
  auto id = engine_.CreateContainer(s);
  if (!id.ok()) return id.status().WithContext("create service container");
  struct Remover {
    EngineClient& engine;
    std::string id;
    ~Remover() { (void)engine.RemoveContainer(id); }
  } remover{engine_, *id};
  if (util::Status st = engine_.StartContainer(*id); !st.ok()) return st.WithContext("start service container");
  *ran = true;

  AbortHandle abort;
  util::CancelToken done;
  std::atomic<bool> timed_out{false};
  std::thread timer([&] {
    if (!done.WaitFor(timeout)) {
      timed_out = true;
      abort.Abort();
    }
  });
  util::Result<int> code = util::Status::Internal("not waited");
  {
    CancelWatcher watcher(cancel, [&abort] { abort.Abort(); });
    code = engine_.WaitContainer(*id, &abort);
  }
  done.Cancel("waited");
  timer.join();
  if (cancel.cancelled()) return util::Status::Cancelled("job cancelled");
  util::Status err;
  if (timed_out) {
    err = util::Status::DeadlineExceeded("service \"" + name + "\" timeout");
  } else if (!code.ok()) {
    err = util::Status::Internal("service \"" + name + "\" health check: " + code.status().message());
  } else if (*code != 0) {
    err = util::Status::Internal("service \"" + name + "\" health check: exit code " + std::to_string(*code));
  } else {
    return util::Status::Ok();
  }
  *logs = ContainerLogs(*id);
  return err;
}

void DockerExecutor::WaitForService(const RunningService& svc, std::chrono::seconds timeout, OutputSink& out,
                                    const util::CancelToken& cancel) {
  auto start = std::chrono::steady_clock::now();
  std::string hc_logs;
  bool ran = false;
  util::Status err = HealthCheck(svc, timeout, cancel, &hc_logs, &ran);
  if (err.ok() || cancel.cancelled()) return;
  std::string block = "\n";
  block += std::string(kYellow) + "*** WARNING:" + kReset + " Service " + svc.name + " probably didn't start properly.\n";
  block += "\nHealth check error:\n" + Trim(err.message()) + "\n";
  if (ran) block += "\nHealth check container logs:\n" + hc_logs + "\n";
  // Gives a service that has no ports to wait on a moment to log why (as gitlab-runner).
  auto left = timeout - std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start);
  auto pause = std::min<std::chrono::nanoseconds>(left, std::chrono::seconds(10));
  if (pause.count() > 0 && cancel.WaitFor(pause)) return;
  block += "\nService container logs:\n" + ContainerLogs(svc.id) + "\n";
  block += "\n" + std::string(kYellow) + "*********" + kReset + "\n\n";
  out.Write(block);
}

std::string DockerExecutor::ContainerLogs(const std::string& id) {
  std::string text;
  FrameDecoder decoder([&](StreamKind, std::string_view piece) {
    if (text.size() < kServiceLogLimit) text.append(piece.substr(0, kServiceLogLimit - text.size()));
  });
  util::Status s = engine_.Logs(
      id, false, [&](std::string_view bytes) { return decoder.Feed(bytes) && text.size() < kServiceLogLimit; },
      nullptr, true);
  if (!s.ok() && text.empty()) return Trim(s.message());
  return Trim(text);
}

}  // namespace executor::docker
