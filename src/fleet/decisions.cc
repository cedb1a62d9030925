#include "fleet/decisions.h"

namespace fleet {

std::vector<std::string> Decisions::Explain() const {
  std::vector<std::string> out;
  if (launch > 0) out.push_back("launch " + std::to_string(launch) + ": " + launch_reason);
  for (const auto& r : remove) out.push_back("remove " + r.id + ": " + r.reason);
  for (const auto& f : failures)
    out.push_back("fail job " + std::to_string(f.job) + " (" + f.failure_reason + "): " + f.message);
  for (const auto& n : notes) out.push_back(n);
  return out;
}

}  // namespace fleet
