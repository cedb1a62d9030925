#include "ec2emulator/options.h"

#include <algorithm>

namespace ec2emulator {

const Subnet* EmulatorOptions::FindSubnet(const std::string& id) const {
  for (const auto& s : subnets) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const InstanceTypeInfo* EmulatorOptions::FindType(const std::string& name) const {
  for (const auto& t : instance_types) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::vector<std::string> EmulatorOptions::Zones() const {
  std::vector<std::string> z;
  for (const auto& s : subnets) {
    if (std::find(z.begin(), z.end(), s.zone) == z.end()) z.push_back(s.zone);
  }
  std::sort(z.begin(), z.end());
  return z;
}

std::vector<Subnet> EmulatorOptions::DefaultSubnets() {
  return {
      {"subnet-0a0a0a0a0a0a0a0a0", "us-east-1a", "vpc-0e2e2e2e2e2e2e2e2", "10.0.1."},
      {"subnet-0b0b0b0b0b0b0b0b0", "us-east-1b", "vpc-0e2e2e2e2e2e2e2e2", "10.0.2."},
      {"subnet-0c0c0c0c0c0c0c0c0", "us-east-1c", "vpc-0e2e2e2e2e2e2e2e2", "10.0.3."},
  };
}

std::vector<InstanceTypeInfo> EmulatorOptions::DefaultInstanceTypes() {
  return {
      {"t3.micro", 0.0104, 0.0031, 2},  {"t3.small", 0.0208, 0.0062, 2}, {"t3.medium", 0.0416, 0.0125, 2},
      {"t3.large", 0.0832, 0.0250, 2},  {"c5.large", 0.085, 0.0340, 2},  {"c5.xlarge", 0.17, 0.0680, 4},
      {"c5.2xlarge", 0.34, 0.1360, 8},  {"c6i.large", 0.085, 0.0330, 2}, {"c6i.xlarge", 0.17, 0.0660, 4},
      {"m5.large", 0.096, 0.0380, 2},   {"m5.xlarge", 0.192, 0.0760, 4}, {"m6i.large", 0.096, 0.0370, 2},
      {"m6i.xlarge", 0.192, 0.0740, 4}, {"r5.large", 0.126, 0.0440, 2},
  };
}

}  // namespace ec2emulator
