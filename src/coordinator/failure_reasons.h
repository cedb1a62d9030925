#pragma once
// GitLab's failure reasons (enum Enums::Ci::CommitStatus.failure_reasons), in GitLab's order.
#include <string>
#include <vector>

namespace coordinator {

// The full list sent as features.failure_reasons.
const std::vector<std::string>& FailureReasons();
bool IsKnownFailureReason(const std::string& reason);

}  // namespace coordinator
