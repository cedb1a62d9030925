#include "coordinator/records.h"

namespace coordinator {

const char* JobStateName(JobState s) {
  switch (s) {
    case JobState::kPending: return "pending";
    case JobState::kRunning: return "running";
    case JobState::kSuccess: return "success";
    case JobState::kFailed: return "failed";
    case JobState::kCanceling: return "canceling";
    case JobState::kCanceled: return "canceled";
  }
  return "unknown";
}

bool IsFinal(JobState s) {
  return s == JobState::kSuccess || s == JobState::kFailed || s == JobState::kCanceled;
}

bool ManagerRecord::Feature(const std::string& name) const {
  if (!info.is_object() || !info.contains("features")) return false;
  const auto& f = info["features"];
  return f.is_object() && f.contains(name) && f[name].is_boolean() && f[name].get<bool>();
}

}  // namespace coordinator
