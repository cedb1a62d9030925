#include "metrics/runner_metrics.h"

namespace metrics {

namespace {
const std::vector<double> kJobDurationBuckets = {30, 60, 300, 600, 1800, 3600, 7200, 10800, 18000, 36000};
const std::vector<double> kQueueWaitBuckets = {1, 3, 10, 30, 60, 120, 300, 900, 1800, 3600};
}  // namespace

RunnerMetrics::RunnerMetrics(Registry& r)
    : registry(r),
      version_info(r.AddGauge("gitlab_runner_version_info",
                              "A metric with a constant '1' value labeled by different build stats fields.",
                              {"name", "version", "revision", "branch", "go_version", "built_at", "os", "architecture"})),
      concurrent(r.AddGauge("gitlab_runner_concurrent", "The current value of concurrent setting", {})),
      limit(r.AddGauge("gitlab_runner_limit", "The current value of limit setting", {"runner", "system_id"})),
      request_concurrency(r.AddGauge("gitlab_runner_request_concurrency",
                                     "The current number of concurrent requests for a new job", {"runner", "system_id"})),
      jobs(r.AddGauge("gitlab_runner_jobs", "The current number of running builds.",
                      {"runner", "runner_name", "system_id"})),
      jobs_total(r.AddCounter("gitlab_runner_jobs_total", "Total number of handled jobs",
                              {"runner", "runner_name", "system_id"})),
      failed_jobs_total(r.AddCounter("gitlab_runner_failed_jobs_total", "Total number of failed jobs",
                                     {"runner", "runner_name", "failure_reason"})),
      job_duration_seconds(r.AddHistogram("gitlab_runner_job_duration_seconds", "Histogram of job durations",
                                          {"runner", "runner_name", "system_id"}, kJobDurationBuckets)),
      fleet_instances(r.AddGauge("spotrunner_fleet_instances", "Instances of the fleet by state (requested, booting, idle, busy, draining, removing)",
                                 {"runner", "fleet", "state"})),
      fleet_pending_jobs(r.AddGauge("spotrunner_fleet_pending_jobs", "Jobs received from GitLab and waiting for an instance slot",
                                    {"runner", "fleet"})),
      fleet_creations_total(r.AddCounter("spotrunner_fleet_creations_total", "Instances the provider granted",
                                         {"runner", "fleet"})),
      fleet_creation_failures_total(r.AddCounter("spotrunner_fleet_creation_failures_total",
                                                 "Instance creation requests that failed or timed out", {"runner", "fleet"})),
      fleet_removals_total(r.AddCounter("spotrunner_fleet_removals_total", "Instance removals requested, by reason",
                                        {"runner", "fleet", "reason"})),
      fleet_provider_errors_total(r.AddCounter("spotrunner_fleet_provider_errors_total",
                                               "Provider calls that failed or timed out, by call", {"runner", "fleet", "call"})),
      fleet_lost_jobs_total(r.AddCounter("spotrunner_fleet_lost_jobs_total",
                                         "Jobs failed as runner_system_failure because their instance was lost or never came",
                                         {"runner", "fleet"})),
      fleet_queue_wait_seconds(r.AddHistogram("spotrunner_fleet_queue_wait_seconds",
                                              "Time from receiving a job to leasing an instance slot for it",
                                              {"runner", "fleet"}, kQueueWaitBuckets)),
      fleet_instance_seconds_total(r.AddCounter("spotrunner_fleet_instance_seconds_total",
                                                "Instance lifetime accumulated (what the cloud bills)", {"runner", "fleet"})) {}

}  // namespace metrics
