#pragma once
// CoordinatorOptions: the knobs of the embedded GitLab-compatible coordinator.
// Defaults mimic GitLab.com + Workhorse except where noted; tests shorten the timings.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace coordinator {

struct CoordinatorOptions {
  // URL the coordinator advertises (CI_SERVER_URL, repo_url host, CI_JOB_URL...), no
  // trailing "/". Default "": Server::Start fills in "http://<host>:<bound port>".
  std::string base_url;
  // A registration token accepted by POST /api/v4/runners. Default "": only tokens made
  // with POST /admin/runners/registration_tokens are accepted (none at all → 410 Gone).
  std::string registration_token;
  // Required on /admin/* as "Authorization: Bearer <t>" or "PRIVATE-TOKEN: <t>" when set.
  // Default "": the admin API is open (it only ever listens on loopback in tests).
  std::string admin_token;

  // Workhorse long polling of POST /jobs/request (apiCiLongPollingDuration). 0 = off
  // (default, tests); GitLab uses 50 s.
  std::chrono::milliseconds long_poll_duration{0};
  // X-GitLab-Trace-Update-Interval on PATCH /trace answers (seconds). GitLab: 60, or 3
  // while someone watches the job page. Default 60.
  int trace_update_interval_seconds = 60;
  // Trace size limit in bytes; a PATCH that would pass it gets 403 and the job fails with
  // trace_size_exceeded. 0 = unlimited (default).
  int64_t trace_size_limit_bytes = 0;
  // The first N final PUTs (state success/failed) of every job are answered 202 with
  // X-GitLab-Trace-Update-Interval = final_update_retry_interval_seconds, as GitLab does
  // while it migrates live trace chunks. Default 0 (accept at once).
  int final_update_accept_after = 0;
  int final_update_retry_interval_seconds = 1;
  // When a final PUT's output.checksum/bytesize do not match the stored trace and the
  // runner advertised trace_reset, answer 412 once and empty the stored trace so the
  // runner re-sends it from offset 0. Default false: answer 200 and record the mismatch.
  bool reset_trace_on_mismatch = false;
  // Two-phase commit: how long an assigned job waits for PUT state=running before it is
  // put back in the queue (GitLab: 2 minutes).
  std::chrono::seconds two_phase_ack_timeout{120};
  // Extra prefixes sent as features.token_mask_prefixes (omitted when empty).
  std::vector<std::string> token_mask_prefixes;

  // Default job timeout (project setting) when a job spec gives none: 3600 s.
  int64_t default_job_timeout_seconds = 3600;
  // GitLab version advertised in CI_SERVER_VERSION*.
  std::string server_version = "18.4.0";
  // Seed of the token/version generator. 0 (default) = seeded from std::random_device.
  uint64_t seed = 0;
  // Where bare mirrors of local repositories are kept so the coordinator can serve them
  // over smart HTTP with the job token (as GitLab does). Default "": a fresh directory
  // under the system temp dir, removed when the Coordinator is destroyed.
  std::filesystem::path git_work_dir;
};

}  // namespace coordinator
