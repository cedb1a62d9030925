#pragma once
// metrics::RunnerMetrics: the families the runner exports, registered on one Registry.
// Job metrics carry gitlab-runner's names, help texts, labels and buckets, so existing
// dashboards and alerts keep working; fleet metrics are ours (spotrunner_fleet_*), all
// labelled by runner (short token) and fleet (the entry's name).
// Thread safety: as Registry. Not copyable.
#include "metrics/registry.h"

namespace metrics {

struct RunnerMetrics {
  explicit RunnerMetrics(Registry& r);
  RunnerMetrics(const RunnerMetrics&) = delete;
  RunnerMetrics& operator=(const RunnerMetrics&) = delete;

  Registry& registry;
  // ---- gitlab-runner's names ----
  GaugeFamily& version_info;         // name, version, revision, branch, go_version, built_at, os, architecture
  GaugeFamily& concurrent;           // -
  GaugeFamily& limit;                // runner, system_id
  GaugeFamily& request_concurrency;  // runner, system_id: job requests in flight
  GaugeFamily& jobs;                 // runner, runner_name, system_id: running now
  CounterFamily& jobs_total;         // runner, runner_name, system_id
  CounterFamily& failed_jobs_total;  // runner, runner_name, failure_reason
  HistogramFamily& job_duration_seconds;  // runner, runner_name, system_id
  // ---- fleet ----
  GaugeFamily& fleet_instances;              // runner, fleet, state
  GaugeFamily& fleet_pending_jobs;           // runner, fleet: waiting for a slot
  CounterFamily& fleet_creations_total;      // runner, fleet: instances granted by the provider
  CounterFamily& fleet_creation_failures_total;  // runner, fleet: failed or timed-out Increase calls
  CounterFamily& fleet_removals_total;       // runner, fleet, reason
  CounterFamily& fleet_provider_errors_total;  // runner, fleet, call
  CounterFamily& fleet_lost_jobs_total;      // runner, fleet: jobs failed by their instance
  HistogramFamily& fleet_queue_wait_seconds;  // runner, fleet: from job received to lease
  CounterFamily& fleet_instance_seconds_total;  // runner, fleet: instance lifetime accumulated
};

}  // namespace metrics
