#pragma once
// FaultInjector: misbehaviour armed by tests for the next N requests of one endpoint
// (5xx/429 with Retry-After, a dropped connection, a stall, a garbage body, a bare 204).
// Thread-safe. Endpoint names are the ones in the request log ("jobs_request",
// "jobs_update", "jobs_trace", "runners_register", ...) or "*" for every runner-API
// endpoint (never the admin API).
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace coordinator {

enum class FaultKind {
  kStatus,   // answer `status` (e.g. 503, 429) with an error body and Retry-After if set
  kDrop,     // wait `stall` (a hold; 0: none), send the status line and headers, then close
             // before the body
  kStall,    // wait `stall` (woken early by shutdown), then handle the request normally
  kGarbage,  // answer `status` (default 200) with a body that is not valid JSON
  // 204 at once whatever the queue holds: without X-GitLab-Last-Update (as if a long poll
  // had ended), or with a new one every time when `fresh_cursor` is set.
  kNoContent,
};

struct Fault {
  FaultKind kind = FaultKind::kStatus;
  int status = 503;
  int retry_after_seconds = -1;  // < 0: no Retry-After header
  std::chrono::milliseconds stall{0};
  bool fresh_cursor = false;  // kNoContent only
  int count = 1;  // how many requests it applies to
};

class FaultInjector {
 public:
  // Arms `fault` for the next `fault.count` requests to `endpoint`, after faults
  // already armed for it.
  void Add(const std::string& endpoint, Fault fault);
  // Consumes one use of the first fault armed for `endpoint` (or "*"); nullopt if none.
  std::optional<Fault> Take(const std::string& endpoint);
  void Clear();

  // {"endpoint": "...", "kind": "status|drop|stall|garbage|no_content", "status": 503,
  //  "retry_after": 1, "stall_ms": 500, "fresh_cursor": false, "count": 1}
  static util::Result<std::pair<std::string, Fault>> FromJson(const nlohmann::json& j);

 private:
  std::mutex mu_;
  std::map<std::string, std::deque<Fault>> armed_;
};

}  // namespace coordinator
