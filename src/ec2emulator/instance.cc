#include "ec2emulator/instance.h"

namespace ec2emulator {

int StateCode(InstanceState s) {
  switch (s) {
    case InstanceState::kPending:
      return 0;
    case InstanceState::kRunning:
      return 16;
    case InstanceState::kShuttingDown:
      return 32;
    case InstanceState::kTerminated:
      return 48;
    case InstanceState::kStopping:
      return 64;
    case InstanceState::kStopped:
      return 80;
  }
  return 0;
}

const char* StateName(InstanceState s) {
  switch (s) {
    case InstanceState::kPending:
      return "pending";
    case InstanceState::kRunning:
      return "running";
    case InstanceState::kShuttingDown:
      return "shutting-down";
    case InstanceState::kTerminated:
      return "terminated";
    case InstanceState::kStopping:
      return "stopping";
    case InstanceState::kStopped:
      return "stopped";
  }
  return "pending";
}

void SetTag(Tags& tags, const std::string& key, const std::string& value) {
  for (auto& [k, v] : tags) {
    if (k == key) {
      v = value;
      return;
    }
  }
  tags.emplace_back(key, value);
}

const std::string* FindTag(const Tags& tags, const std::string& key) {
  for (const auto& [k, v] : tags) {
    if (k == key) return &v;
  }
  return nullptr;
}

}  // namespace ec2emulator
