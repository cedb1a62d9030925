#pragma once
// fleet::Decisions: what one Autoscaler::Tick decided. The caller does it: launches and
// removals through cloud::Provider (or Autoscaler::Apply), leases by starting the jobs,
// failures by reporting them to GitLab (runner_system_failure lets GitLab retry).
#include <string>
#include <vector>

#include "fleet/instance.h"

namespace fleet {

struct Removal {
  std::string id;
  std::string reason;
};

struct Decisions {
  util::Time at{};
  int launch = 0;
  std::string launch_reason;
  std::vector<Removal> remove;
  std::vector<Lease> leases;
  std::vector<JobFailure> failures;
  std::vector<std::string> notes;  // other explanations: backoff, clamps, timeouts

  bool empty() const {
    return launch == 0 && remove.empty() && leases.empty() && failures.empty() && notes.empty();
  }
  // One human line per decision, for the log ("launch 4: 3 pending, 1 idle, ...").
  std::vector<std::string> Explain() const;
};

}  // namespace fleet
