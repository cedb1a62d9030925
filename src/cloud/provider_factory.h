#pragma once
// cloud::NewProvider: picks the Provider implementation named by a runner's
// [runners.autoscaler] plugin and builds it from [runners.autoscaler.plugin_config].
// The one switch over plugin names; each provider parses its own options.
#include <memory>

#include "cloud/provider.h"
#include "config/config.h"
#include "util/status.h"

namespace cloud {

// Known plugins: "local" (cloud/local: network-namespace instances on this host);
// "aws" / "fleeting-plugin-aws" / "<path>/fleeting-plugin-aws:<tag>" (cloud/aws), also
// chosen by docker+machine entries with MachineDriver "amazonec2".
// kInvalidArgument naming the runner and the plugin when the plugin is unknown or its
// plugin_config is bad; errors of the provider's own setup otherwise.
// `manager_id` (the manager's system_id, "" = none) keeps the fleets of several managers of
// one config.toml apart: a provider lists, removes and adopts only its manager's
// instances. The entry's [runners.autoscaler] dead_man_switch_timeout goes to the provider
// (the instance-side watcher, cloud/dead_man_switch.h).
util::Result<std::unique_ptr<Provider>> NewProvider(const config::RunnerConfig& runner,
                                                    const std::string& manager_id = "");

}  // namespace cloud
