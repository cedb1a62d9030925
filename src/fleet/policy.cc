#include "fleet/policy.h"

#include "fleet/default_policy.h"
#include "fleet/docker_machine_policy.h"
#include "fleet/taskscaler_policy.h"

namespace fleet {

std::unique_ptr<Policy> MakePolicy(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kDockerMachine: return std::make_unique<DockerMachinePolicy>();
    case PolicyKind::kTaskscaler: return std::make_unique<TaskscalerPolicy>();
    case PolicyKind::kDefault: break;
  }
  return std::make_unique<DefaultPolicy>();
}

}  // namespace fleet
