#include "executor/docker/leftovers.h"

#include "executor/docker/labels.h"

namespace executor::docker {

util::Status RemoveLeftovers(EngineClient& engine, const std::string& short_token, const std::string& system_id,
                            int* removed) {
  std::vector<std::string> filters = {std::string(labels::kManaged) + "=true",
                                      std::string(labels::kShortToken) + "=" + short_token};
  if (!system_id.empty()) filters.push_back(std::string(labels::kSystemId) + "=" + system_id);
  util::Status first;
  auto note = [&](const util::Status& s) {
    if (s.ok()) {
      if (removed) ++*removed;
    } else if (s.code() != util::Status::Code::kNotFound && first.ok()) {
      first = s;
    }
  };
  auto containers = engine.ListContainers(filters);
  if (!containers.ok()) return containers.status();
  for (const ContainerSummary& c : *containers) note(engine.RemoveContainer(c.id));
  // Networks once their containers are gone (a network with endpoints cannot be removed).
  auto networks = engine.ListNetworks(filters);
  if (!networks.ok()) {
    if (first.ok()) first = networks.status();
  } else {
    for (const NetworkSummary& n : *networks) note(engine.RemoveNetwork(n.id));
  }
  auto volumes = engine.ListVolumes(filters);
  if (!volumes.ok()) return first.ok() ? volumes.status() : first;
  for (const VolumeSummary& v : *volumes) {
    auto role = v.labels.find(labels::kRole);
    if (role != v.labels.end() && role->second == "cache") continue;  // the projects' caches: kept
    note(engine.RemoveVolume(v.name));
  }
  return first;
}

}  // namespace executor::docker
