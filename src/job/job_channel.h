#pragma once
// What a running job needs from GitLab: append to its trace and update its state.
// The production implementation wraps gitlab::Client (job/gitlab_job_channel.h); the
// answers are already interpreted the way gitlab-runner interprets them (§2.8, §2.9).
#include <cstdint>
#include <string>
#include <string_view>

namespace job {

struct TraceAck {
  enum class Kind {
    kOk,             // 202: appended
    kRangeMismatch,  // 416: GitLab has `offset` bytes; resend from there
    kNotFound,       // 404
    kAbort,          // 403, or Job-Status canceled/failed: stop the job at once
    kFailed,         // transport error or another status: try again on the next tick
  };
  Kind kind = Kind::kFailed;
  int64_t offset = 0;      // kRangeMismatch: GitLab's current length
  std::string job_status;  // Job-Status header, "" when absent
  int update_interval_s = 0;  // X-GitLab-Trace-Update-Interval when positive, else 0
};

struct JobState {
  std::string state;           // pending, running, success, failed
  std::string failure_reason;  // only with failed; already mapped to GitLab's list
  int exit_code = 0;           // omitted from the request when 0
  std::string checksum;        // "crc32:%08x" over the trace GitLab should have
  int64_t bytesize = 0;
};

struct UpdateAck {
  enum class Kind {
    kOk,          // 200
    kAccepted,    // 202: final state received but not complete: repeat later
    kAbort,       // 403, or Job-Status canceled/failed
    kTraceReset,  // 412: resend the whole trace from offset 0, then repeat
    kNotFound,    // 404
    kFailed,      // transport error or another status
  };
  Kind kind = Kind::kFailed;
  std::string job_status;
  int update_interval_s = 0;
};

// Thread-safe: the trace sender and the job thread call it concurrently.
class JobChannel {
 public:
  virtual ~JobChannel() = default;
  virtual TraceAck PatchTrace(int64_t offset, std::string_view bytes) = 0;
  virtual UpdateAck UpdateState(const JobState& state) = 0;
};

}  // namespace job
