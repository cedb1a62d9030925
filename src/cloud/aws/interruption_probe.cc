#include "cloud/aws/interruption_probe.h"

#include <sstream>

#include "cloud/aws/imds_client.h"

namespace cloud::aws {

const std::string& InterruptionProbeCommand() {
  static const std::string kCommand =
      "sh -c 'm=http://169.254.169.254/latest; "
      "t=$(curl -sf -m 2 -X PUT -H \"X-aws-ec2-metadata-token-ttl-seconds: 60\" $m/api/token) || exit 0; "
      "echo \"action:$(curl -sf -m 2 -H \"X-aws-ec2-metadata-token: $t\" $m/meta-data/spot/instance-action)\"; "
      "echo \"rebalance:$(curl -sf -m 2 -H \"X-aws-ec2-metadata-token: $t\" "
      "$m/meta-data/events/recommendations/rebalance)\"'";
  return kCommand;
}

std::optional<ProviderEvent> ParseProbeOutput(const std::string& id, const std::string& output, util::Time now) {
  std::istringstream in(output);
  std::string line;
  std::optional<ProviderEvent> rebalance;
  while (std::getline(in, line)) {
    if (line.rfind("action:", 0) == 0 && line.size() > 7) {
      auto action = ParseInstanceAction(line.substr(7));
      if (action.ok())
        return ProviderEvent{ProviderEvent::Kind::kInterruptionNotice, id, now, action->time};
    } else if (line.rfind("rebalance:", 0) == 0 && line.size() > 10) {
      if (ParseRebalance(line.substr(10)).ok())
        rebalance = ProviderEvent{ProviderEvent::Kind::kInterruptionNotice, id, now, now + std::chrono::minutes(2)};
    }
  }
  return rebalance;
}

util::Result<std::optional<ProviderEvent>> ProbeInterruption(connect::Connection& conn, const std::string& id,
                                                             util::Time now) {
  std::string output;
  util::CancelToken never;
  auto rc = conn.Exec(InterruptionProbeCommand(), "", [&](std::string_view s) {
    if (output.size() < 64 * 1024) output.append(s);
  }, never);
  if (!rc.ok()) return rc.status().WithContext("spot notice probe on " + id);
  return ParseProbeOutput(id, output, now);
}

}  // namespace cloud::aws
