#include "coordinator/request_log.h"

namespace coordinator {

std::string RequestRecord::Header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

nlohmann::json RequestRecord::ToJson() const {
  return {{"seq", seq},       {"endpoint", endpoint},     {"method", method},
          {"path", path},     {"query", query},           {"headers", headers},
          {"status", status}, {"body_bytes", body_bytes}, {"fault", fault},
          {"request_id_ok", request_id_ok}};
}

bool IsValidRequestId(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

void RequestLog::Add(RequestRecord r) {
  std::lock_guard<std::mutex> l(mu_);
  r.seq = next_seq_++;
  entries_.push_back(std::move(r));
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::vector<RequestRecord> RequestLog::Entries(const std::string& endpoint) const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<RequestRecord> out;
  for (const auto& e : entries_) {
    if (endpoint.empty() || e.endpoint == endpoint) out.push_back(e);
  }
  return out;
}

void RequestLog::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  entries_.clear();
}

}  // namespace coordinator
