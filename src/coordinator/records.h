#pragma once
// The coordinator's in-memory records: runners, their managers (one per system_id) and
// jobs. Plain data; the Coordinator guards them with its lock.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coordinator/job_spec.h"
#include "util/clock.h"

namespace coordinator {

// GitLab's CI job statuses, as sent in Job-Status.
enum class JobState { kPending, kRunning, kSuccess, kFailed, kCanceling, kCanceled };
const char* JobStateName(JobState s);
bool IsFinal(JobState s);  // success, failed, canceled

struct ManagerRecord {
  std::string system_id;  // "<legacy>" when the runner sent none
  nlohmann::json info;    // latest info object (features = runtime features)
  util::Time contacted_at{};
  bool Feature(const std::string& name) const;
};

struct RunnerRecord {
  int64_t id = 0;
  std::string token;
  std::string description;
  std::vector<std::string> tags;
  bool run_untagged = true;
  bool paused = false;
  bool locked = false;
  std::string access_level = "not_protected";
  int64_t maximum_timeout = 0;  // 0 = none
  bool created_in_ui = false;   // glrt- token (verify/managers flow)
  std::map<std::string, ManagerRecord> managers;
  std::string queue_version;  // X-GitLab-Last-Update value
};

// Artifacts stored for a job (filled by the artifacts endpoints).
struct ArtifactsFile {
  std::string filename;
  int64_t size = 0;
};

struct JobRecord {
  int64_t id = 0;
  JobSpec spec;
  int64_t pipeline_id = 0;
  JobState state = JobState::kPending;
  std::string failure_reason;
  std::optional<int> exit_code;
  util::Time queued_at{}, started_at{}, finished_at{};

  // Set when assigned to a runner.
  std::string token;
  int64_t runner_id = 0;
  std::string system_id;
  nlohmann::json runner_features = nlohmann::json::object();
  nlohmann::json payload;  // the 201 body as sent
  bool awaiting_ack = false;  // two-phase commit: assigned, not yet PUT running
  util::Time ack_deadline{};

  std::string trace;
  bool debug_trace = false;
  int update_count = 0;  // PUT /jobs/:id calls accepted
  int final_update_count = 0;
  int trace_patch_count = 0;
  int trace_reset_count = 0;  // 412 answers that emptied the stored trace
  std::optional<bool> checksum_ok;
  std::optional<bool> bytesize_ok;
  std::vector<std::string> validation_errors;
  std::optional<ArtifactsFile> artifacts_file;
};

}  // namespace coordinator
