#pragma once
// The production seams of a fleet: the provider for a runner entry ([runners.autoscaler]
// plugin, or the docker+machine driver) and SSH connections to its instances. Manager
// tests replace both (ManagerOptions).
#include <functional>
#include <memory>

#include "cloud/provider.h"
#include "config/config.h"
#include "manager/fleet_runner.h"
#include "util/status.h"

namespace manager {

using ProviderFactory = std::function<util::Result<std::shared_ptr<cloud::Provider>>(const config::RunnerConfig&)>;

// cloud::NewProvider (the entry's plugin and plugin_config); `manager_id` is the manager's
// system_id (its instances only).
util::Result<std::shared_ptr<cloud::Provider>> DefaultProvider(const config::RunnerConfig& runner,
                                                               const std::string& manager_id = "");

// Replacements for tests (ManagerOptions::fleet_seams); an empty member means the default.
struct FleetSeams {
  ProviderFactory provider;
  ConnectionFactory connect;
};

// connect::DialSsh to what `info` says, with [runners.autoscaler.connector_config]
// filling the gaps (username, use_external_addr, timeout).
ConnectionFactory DefaultConnectionFactory(const config::ConnectorConfig& connector);

// The endpoint DialSsh gets for `info` (exposed for tests): the external address when
// use_external_addr (or when there is no internal one), else the internal one.
connect::Endpoint EndpointFor(const cloud::ConnectInfo& info, const config::ConnectorConfig& connector);

}  // namespace manager
