// Manager: the fleets of autoscaled entries and the metrics.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "fleet/settings.h"
#include "gitlab/runner_info.h"
#include "gitlab/token.h"
#include "manager/fleet_factories.h"
#include "manager/manager_entry.h"
#include "util/version.h"

namespace manager {

namespace {

// Zone files for the autoscaler's periods, from the system's zone database.
util::Result<std::string> LoadZoneFile(const std::string& name) {
  const char* dir = std::getenv("TZDIR");
  std::string path = name.empty() ? "/etc/localtime" : std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return util::Status::NotFound("time zone \"" + name + "\": cannot read " + path);
  std::string data;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) data.append(buf, n);
  std::fclose(f);
  return data;
}

}  // namespace

FleetRunner* Manager::fleet(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& e : entries_) {
    if (e->cfg.name == name && e->fleet) return e->fleet.get();
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

util::Status Manager::StartFleet(Entry& e) {
  auto settings = fleet::SettingsFromRunner(e.cfg, LoadZoneFile);
  if (!settings.ok()) return settings.status();
  const FleetSeams* seams = options_.fleet_seams.get();
  auto provider = seams && seams->provider ? seams->provider(e.cfg) : DefaultProvider(e.cfg);
  if (!provider.ok()) return provider.status();
  FleetOptions fo;
  fo.name = e.cfg.name;
  fo.short_token = gitlab::ShortToken(e.cfg.token);
  fo.settings = *settings;
  fo.provider = *provider;
  fo.connect = seams && seams->connect ? seams->connect : DefaultConnectionFactory(e.cfg.autoscaler.connector);
  fo.ready_command = e.cfg.autoscaler.instance_ready_command;
  fo.tick = options_.fleet_tick;
  fo.metrics = &metrics_;
  e.fleet = std::make_unique<FleetRunner>(std::move(fo), clock_);
  e.fleet->Start();
  spdlog::info("runner {}: fleet started (executor {}, policy {}, capacity_per_instance {}, max_instances {})",
               gitlab::ShortToken(e.cfg.token), e.cfg.executor, fleet::PolicyKindName(settings->policy),
               settings->capacity_per_instance, settings->max_instances);
  return util::Status::Ok();
}

}  // namespace manager
