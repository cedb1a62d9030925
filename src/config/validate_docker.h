#pragma once
// Load-time checks of [runners.docker] values (sizes, CPUs, ulimits, GPUs, tmpfs options,
// MAC address, isolation, log options): a value Docker would refuse is a fatal problem at the
// key's position rather than a failed job later. Internal to config/.
#include <string>
#include <vector>

#include "config/config.h"
#include "config/validate.h"

namespace config {

// Appends the problems of runner `id` ("runners[0]") whose label is `label`.
void CheckDocker(const DockerConfig& d, const std::string& id, const std::string& label, std::vector<Problem>* out);

}  // namespace config
