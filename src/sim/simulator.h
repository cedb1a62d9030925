#pragma once
// sim::RunSimulation: replays a job trace through the production fleet::Autoscaler on
// virtual time against a SimProvider. Jobs queue in a modelled GitLab; the runner takes
// one whenever Autoscaler::MayRequestJob() says so; the provider list is synced at most
// every sync_interval_s (fleeting's update_interval_when_expecting); the autoscaler
// ticks on every event and every tick_s. A job whose instance vanishes is failed with
// runner_system_failure and queued again (GitLab's retry); its wait counts from its
// first arrival. Deterministic: one seed, one fingerprint (FNV-1a over all decisions).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "fleet/settings.h"
#include "sim/sim_provider.h"
#include "sim/trace.h"

namespace sim {

struct SimOptions {
  std::string policy = "default";  // default | docker-machine | taskscaler | clairvoyant
  fleet::AutoscalerSettings settings;
  SimProviderConfig provider;
  uint64_t seed = 1;
  double tick_s = 5;
  double sync_interval_s = 2;
  double sample_s = 300;                 // timeline resolution (plots)
  int64_t start_unix = 1704067200;       // virtual time of the first arrival: Mon 2024-01-01 00:00 UTC
  double drain_limit_s = 3 * 3600;       // after the last job, stop once idle or after this
  std::function<void(double fraction_done)> progress;                    // optional
  std::function<void(double t_s, const std::string& line)> explain;      // optional decision log
};

struct TimelineSample {
  double t_s = 0;
  int demand = 0;     // jobs queued or running
  int instances = 0;  // alive at the provider
  int waiting = 0;    // jobs not started yet
  double max_wait_s = 0;  // longest wait of the jobs started in this sample
};

struct SimResult {
  std::string policy;
  int64_t jobs = 0;
  int64_t retries = 0;    // jobs re-queued after runner_system_failure
  std::vector<double> waits_s;  // one per job, arrival order
  BillingTotals billing;
  uint64_t fingerprint = 0;
  double span_s = 0;      // virtual time simulated
  int64_t ticks = 0;
  std::vector<TimelineSample> timeline;
};

// kInvalidArgument for an unknown policy or invalid settings; kInternal if a job could
// never be placed (a liveness bug).
util::Result<SimResult> RunSimulation(const std::vector<TraceJob>& jobs, const SimOptions& options);

}  // namespace sim
