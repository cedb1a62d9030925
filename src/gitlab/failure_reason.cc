#include "gitlab/failure_reason.h"

#include <algorithm>
#include <array>
#include <utility>

namespace gitlab {
namespace {

bool AlwaysAllowed(std::string_view r) {
  return r == kScriptFailure || r == kRunnerSystemFailure || r == kJobExecutionTimeout;
}

bool Supported(std::string_view r, const std::vector<std::string>& supported) {
  return AlwaysAllowed(r) || std::find(supported.begin(), supported.end(), r) != supported.end();
}

}  // namespace

std::string MapFailureReason(std::string_view reason, const std::vector<std::string>& supported) {
  if (reason.empty()) return std::string(kScriptFailure);
  if (Supported(reason, supported)) return std::string(reason);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kCompat = {{
      {kImagePullFailure, kRunnerSystemFailure},
      {kRunnerConfigurationError, kScriptFailure},
      {kRunnerExternalDependencyFailure, kRunnerSystemFailure},
      {kRunnerInterrupted, kUnknownFailure},
  }};
  for (const auto& [from, to] : kCompat) {
    if (reason == from) return std::string(to);
  }
  return std::string(kUnknownFailure);
}

}  // namespace gitlab
