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
util::Result<std::unique_ptr<Provider>> NewProvider(const config::RunnerConfig& runner);

}  // namespace cloud
