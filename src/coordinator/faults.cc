#include "coordinator/faults.h"

namespace coordinator {

void FaultInjector::Add(const std::string& endpoint, Fault fault) {
  if (fault.count <= 0) return;
  std::lock_guard<std::mutex> l(mu_);
  armed_[endpoint].push_back(fault);
}

std::optional<Fault> FaultInjector::Take(const std::string& endpoint) {
  std::lock_guard<std::mutex> l(mu_);
  for (const std::string& key : {endpoint, std::string("*")}) {
    auto it = armed_.find(key);
    if (it == armed_.end() || it->second.empty()) continue;
    Fault f = it->second.front();
    if (--it->second.front().count <= 0) it->second.pop_front();
    return f;
  }
  return std::nullopt;
}

void FaultInjector::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  armed_.clear();
}

util::Result<std::pair<std::string, Fault>> FaultInjector::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("endpoint") || !j["endpoint"].is_string()) {
    return util::Status::InvalidArgument("fault: endpoint is required");
  }
  Fault f;
  try {
    const std::string kind = j.value("kind", "status");
    if (kind == "status") f.kind = FaultKind::kStatus;
    else if (kind == "drop") f.kind = FaultKind::kDrop;
    else if (kind == "stall") f.kind = FaultKind::kStall;
    else if (kind == "garbage") f.kind = FaultKind::kGarbage;
    else if (kind == "no_content") f.kind = FaultKind::kNoContent;
    else return util::Status::InvalidArgument("fault: unknown kind \"" + kind + "\"");
    f.status = j.value("status", f.kind == FaultKind::kStatus ? 503 : 200);
    f.retry_after_seconds = j.value("retry_after", -1);
    f.stall = std::chrono::milliseconds(j.value("stall_ms", 0));
    f.fresh_cursor = j.value("fresh_cursor", false);
    f.count = j.value("count", 1);
  } catch (const nlohmann::json::exception& e) {
    return util::Status::InvalidArgument(std::string("fault: ") + e.what());
  }
  if (f.status < 100 || f.status > 599) return util::Status::InvalidArgument("fault: bad status");
  return std::make_pair(j["endpoint"].get<std::string>(), f);
}

}  // namespace coordinator
