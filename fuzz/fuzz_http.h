#pragma once
// An util::HttpTransport that answers from the fuzz input: each answer is a status byte
// then a body up to the next '\xfe'. Requests past the last answer get the last one again
// (or a transport failure when there is none), so paging and retries stay bounded by the
// callers' own limits.
#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "fuzz_input.h"
#include "util/http_client.h"

namespace fuzzing {

// Logging is off: retries and warnings would slow the fuzzer and fill its output.
inline void QuietLogs() {
  static const bool once = [] {
    spdlog::set_level(spdlog::level::off);
    return true;
  }();
  (void)once;
}

class ScriptedTransport final : public util::HttpTransport {
 public:
  // Reads up to `max_answers` answers from `in`.
  ScriptedTransport(FuzzInput& in, int max_answers) {
    static const int kStatuses[] = {200, 200, 200, 200, 400, 401, 403, 404, 500, 503, 0, 301};
    for (int i = 0; i < max_answers && !in.empty(); ++i) {
      util::HttpResponse r;
      r.status = kStatuses[in.Byte() % (sizeof(kStatuses) / sizeof(kStatuses[0]))];
      if (r.status == 0) r.error = {util::TransportError::Code::kConnect, "refused"};
      r.body = std::string(in.Until('\xfe'));
      answers_.push_back(std::move(r));
    }
  }
  util::HttpResponse Send(const util::HttpRequest&) override {
    ++sent_;
    if (answers_.empty()) return util::HttpResponse{0, {}, "", {util::TransportError::Code::kConnect, "refused"}};
    util::HttpResponse r = answers_[std::min(next_, answers_.size() - 1)];
    ++next_;
    return r;
  }
  int sent() const { return sent_; }

 private:
  std::vector<util::HttpResponse> answers_;
  size_t next_ = 0;
  int sent_ = 0;
};

}  // namespace fuzzing
