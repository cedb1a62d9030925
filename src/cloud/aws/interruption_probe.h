#pragma once
// Spot interruption notices read from inside an instance: one command over the manager's
// SSH connection asks the instance's own IMDS (v2) for spot/instance-action (the
// two-minute warning) and events/recommendations/rebalance (elevated risk). The AWS API
// has no call for either, so this is the only early signal; a reclaimed instance also shows
// up later in DescribeInstances (see AwsProvider::List).
#include <optional>
#include <string>

#include "cloud/provider.h"
#include "connect/connection.h"

namespace cloud::aws {

// The shell command run on the instance (no login shell; curl is on every AWS AMI).
const std::string& InterruptionProbeCommand();

// Parses the command's output into an event for `id`: kInterruptionNotice with the
// announced time as deadline for an instance action, or with now + 2 min for a rebalance
// recommendation. nullopt when neither is present.
std::optional<ProviderEvent> ParseProbeOutput(const std::string& id, const std::string& output, util::Time now);

// Runs the probe over `conn`. kUnavailable when the connection failed.
util::Result<std::optional<ProviderEvent>> ProbeInterruption(connect::Connection& conn, const std::string& id,
                                                             util::Time now);

}  // namespace cloud::aws
