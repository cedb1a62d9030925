#pragma once
// RequestLog: every runner-API request the coordinator answered, with the headers a
// runner must send (X-Request-Id, User-Agent, RUNNER-TOKEN/JOB-TOKEN), for tests to
// inspect. Thread-safe; keeps the newest `capacity` entries.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace coordinator {

struct RequestRecord {
  int64_t seq = 0;
  std::string endpoint;  // "jobs_request", "jobs_trace", ...
  std::string method;
  std::string path;   // without the query
  std::string query;  // "debug_trace=false" or ""
  std::map<std::string, std::string> headers;  // names lowercased
  size_t body_bytes = 0;
  int status = 0;
  std::string fault;  // "" or the injected fault kind
  bool request_id_ok = false;  // X-Request-Id present and 32 lowercase hex chars

  std::string Header(const std::string& lower_name) const;
  nlohmann::json ToJson() const;
};

// True when `id` is 32 lowercase hex characters (a UUIDv4 without dashes).
bool IsValidRequestId(const std::string& id);

class RequestLog {
 public:
  explicit RequestLog(size_t capacity = 10000) : capacity_(capacity) {}
  // Assigns seq and stores a copy.
  void Add(RequestRecord r);
  // Entries for `endpoint` ("" = all), oldest first.
  std::vector<RequestRecord> Entries(const std::string& endpoint = "") const;
  void Clear();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  int64_t next_seq_ = 1;
  std::deque<RequestRecord> entries_;
};

}  // namespace coordinator
