// Manager: the fleets of autoscaled entries and the metrics.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "executor/docker/connection_dialer.h"
#include "fleet/settings.h"
#include "gitlab/runner_info.h"
#include "gitlab/token.h"
#include "manager/fleet_factories.h"
#include "manager/fleet_reload.h"
#include "manager/manager_entry.h"
#include "util/version.h"

namespace manager {

FleetRunner* Manager::fleet(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& e : entries_) {
    if (e->cfg.name == name && e->fleet && !e->removed) return e->fleet.get();
  }
  return nullptr;
}

void Manager::StartMetrics(const config::Config& cfg) {
  metrics_.version_info.Set({"spotrunner", util::kVersion, util::kRevision, "", "", "", "linux", gitlab::BuildArchitecture()}, 1);
  collector_id_ = registry_.AddCollector([this] { CollectMetrics(); });
  std::string addr = options_.listen_address.empty() ? cfg.listen_address : options_.listen_address;
  if (addr.empty()) return;
  auto port = metrics_server_.Start(addr);
  if (!port.ok()) {
    spdlog::error("metrics server: {}", port.status().message());
    return;
  }
  metrics_port_ = *port;
  spdlog::info("Metrics server listening on {} (port {})", addr, *port);
}

void Manager::CollectMetrics() {
  std::lock_guard<std::mutex> l(mu_);
  metrics_.concurrent.Set({}, config_.concurrent);
  metrics_.jobs.Clear();
  for (const auto& e : entries_) {
    std::string tok = gitlab::ShortToken(e->cfg.token);
    metrics_.limit.Set({tok, system_id_}, e->cfg.limit);
    metrics_.request_concurrency.Set({tok, system_id_}, e->requests_in_flight);
    if (!e->removed) metrics_.jobs.Set({tok, e->cfg.name, system_id_}, e->running);
  }
}

util::Result<std::unique_ptr<FleetRunner>> Manager::StartFleet(const config::RunnerConfig& cfg) {
  auto settings = FleetSettingsFor(cfg);
  if (!settings.ok()) return settings.status();
  const FleetSeams* seams = options_.fleet_seams.get();
  std::string manager_id;
  {
    std::lock_guard<std::mutex> l(mu_);
    manager_id = system_id_;
  }
  // The manager's system_id keeps its instances apart from other managers' of this config.
  auto provider = seams && seams->provider ? seams->provider(cfg) : DefaultProvider(cfg, manager_id);
  if (!provider.ok()) return provider.status();
  FleetOptions fo;
  fo.name = cfg.name;
  fo.short_token = gitlab::ShortToken(cfg.token);
  fo.settings = *settings;
  fo.provider = *provider;
  fo.connect = seams && seams->connect ? seams->connect : DefaultConnectionFactory(cfg.autoscaler.connector);
  fo.ready_command = cfg.autoscaler.instance_ready_command;
  if (cfg.executor == "docker-autoscaler" || cfg.executor == "docker+machine") {
    // Jobs speak to the instance's Engine: it must answer before the instance is ready.
    auto socket = executor::docker::InstanceDockerSocket(cfg.docker.host);
    if (!socket.ok()) return socket.status();
    fo.engine_socket = *socket;
  }
  fo.tick = options_.fleet_tick;
  fo.shutdown_timeout = options_.fleet_removal_timeout;
  fo.dead_man_timeout = std::chrono::duration_cast<std::chrono::seconds>(cfg.autoscaler.dead_man_switch_timeout);
  fo.metrics = &metrics_;
  auto fleet = std::make_unique<FleetRunner>(std::move(fo), clock_);
  fleet->Start();
  spdlog::info("runner {}: fleet started (executor {}, policy {}, capacity_per_instance {}, max_instances {})",
               gitlab::ShortToken(cfg.token), cfg.executor, fleet::PolicyKindName(settings->policy),
               settings->capacity_per_instance, settings->max_instances);
  const bool machine_keys = cfg.executor == "docker+machine" || (cfg.has_machine && !cfg.has_autoscaler);
  spdlog::info("runner {}: {}", gitlab::ShortToken(cfg.token),
               fleet::DescribePolicy(*settings, settings->RuleAt(clock_.Now()), machine_keys));
  return fleet;
}

void Manager::RetireEntry(std::shared_ptr<Entry> e) {
  // e->cfg and e->pollers no longer change: Reload skips removed entries.
  const std::string who = "runner \"" + e->cfg.name + "\" (" + gitlab::ShortToken(e->cfg.token) + ")";
  FleetRunner* fleet = nullptr;
  {
    std::lock_guard<std::mutex> l(mu_);
    fleet = e->fleet.get();
  }
  if (fleet) {
    // No idle capacity any more: it launches only for jobs it already took.
    if (auto s = FleetSettingsFor(e->cfg); s.ok()) fleet->UpdateSettings(RetiringSettings(*s));
  }
  std::vector<std::thread> pollers;
  {
    std::lock_guard<std::mutex> l(mu_);
    pollers.swap(e->pollers);
  }
  for (auto& t : pollers) {
    if (t.joinable()) t.join();
  }
  {
    std::unique_lock<std::mutex> l(mu_);
    if (e->running > 0) {
      spdlog::info("{}: no new jobs; waiting for {} running job(s) to finish{}", who, e->running,
                   fleet ? " before its fleet is removed" : "");
    }
    cv_.wait(l, [&] { return e->running == 0; });
  }
  if (fleet) {
    spdlog::info("{}: removing every instance of its fleet", who);
    fleet->Shutdown();  // removes every instance the provider lists, bounded
    spdlog::info("{}: fleet removed", who);
  }
  // The entry stays in entries_ until now, so an entry with the same URL and token that
  // a Reload adds meanwhile waits for it (see Reload).
  std::unique_ptr<FleetRunner> gone;
  std::vector<std::shared_ptr<Entry>> successors;
  {
    std::lock_guard<std::mutex> l(mu_);
    gone = std::move(e->fleet);
    entries_.erase(std::remove(entries_.begin(), entries_.end(), e), entries_.end());
    for (auto& n : entries_) {
      if (n->waits_for != e) continue;
      n->waits_for.reset();
      if (!stopping_ && !n->removed) successors.push_back(n);
    }
  }
  gone.reset();
  for (auto& n : successors) {
    spdlog::info("runner \"{}\" ({}): the previous fleet is gone; starting", n->cfg.name, gitlab::ShortToken(n->cfg.token));
    StartEntry(n);
  }
}

}  // namespace manager
