#include "job/docker_auth_source.h"

#include <cstdlib>
#include <string_view>

namespace job {

std::optional<executor::DockerAuthSource> DockerAuthConfigSource(const gitlab::JobPayload& job,
                                                                 const config::RunnerConfig& runner) {
  constexpr std::string_view kName = "DOCKER_AUTH_CONFIG";
  // The last definition wins, as for any job variable.
  std::optional<executor::DockerAuthSource> found;
  for (const auto& v : job.variables) {
    if (v.key == kName) found = executor::DockerAuthSource{"job variable", v.value};
  }
  if (found) return found;
  for (const auto& entry : runner.environment) {
    if (entry.size() > kName.size() && entry.compare(0, kName.size(), kName) == 0 && entry[kName.size()] == '=') {
      found = executor::DockerAuthSource{"[[runners]] environment", entry.substr(kName.size() + 1)};
    }
  }
  if (found) return found;
  if (const char* env = std::getenv("DOCKER_AUTH_CONFIG"); env != nullptr && *env != '\0') {
    return executor::DockerAuthSource{"manager environment", env};
  }
  return std::nullopt;
}

}  // namespace job
