#pragma once
// manager::FleetRunner: drives one fleet (one autoscaled [[runners]] entry) in production.
// It owns the fleet::Autoscaler and the cloud::Provider and runs two threads:
//  - the loop (about once a second, and at once on events): provider events and List ->
//    Sync (List once per tick only: a wake in between ticks at once on the last listing),
//    Tick, then the Decisions applied through a ProviderCaller (each call bounded
//    by a timeout): launches, removals, leases handed to waiting jobs, failures given to
//    the jobs they belong to;
//  - the prober: opens a connection to each booting instance the provider says is
//    running, checks it (Ping, the Docker Engine's /_ping for docker executors, then
//    instance_ready_command if set) and marks it ready;
//    pings ready instances every health interval and reports the results; and, when the
//    provider has an instance probe (AWS: the spot interruption notice, readable only on
//    the instance), runs it over each ready instance's connection every notice interval
//    and hands the output back: a notice drains the instance at once (no new jobs; a job
//    still running when it goes ends as runner_system_failure; capacity is replaced).
// Job threads call MayRequestJob (preemptive mode), Acquire (wait for a lease) and Release.
//
// Leftovers: on Start, instances listed for this fleet that this object did not create
// are left by an earlier run of the manager. They are removed, not adopted: one of them
// may hold the half-done work of a job the old process lost (containers, processes,
// files), and a fresh instance is the only state a job can rely on. Shutdown removes
// every instance, made or left over, and waits until the provider lists none, within its
// own budget (shutdown_timeout, counted from the moment removal starts); what is still
// listed then is logged by id with its state and the provider's last answer.
//
// Thread safety: all public methods are thread-safe. Not copyable.
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "cloud/provider.h"
#include "connect/connection.h"
#include "fleet/autoscaler.h"
#include "manager/instance_once.h"
#include "manager/provider_caller.h"
#include "metrics/runner_metrics.h"
#include "util/cancel.h"
#include "util/clock.h"

namespace manager {

// Opens a connection to a running instance (connect::DialSsh in production).
using ConnectionFactory =
    std::function<util::Result<std::shared_ptr<connect::Connection>>(const cloud::ConnectInfo&)>;

struct FleetOptions {
  std::string name;         // the runner entry's name, for logs and the metrics' fleet label
  std::string short_token;  // the metrics' runner label
  fleet::AutoscalerSettings settings;
  std::shared_ptr<cloud::Provider> provider;
  ConnectionFactory connect;
  std::string ready_command;                  // instance_ready_command ("" = Ping is enough)
  // Docker executors: the Engine's socket on the instance ("" = no Engine needed). Such
  // an instance is ready only once that Engine answers GET /_ping through the connection
  // (a stock image installs it at boot: cloud/aws/engine_user_data.h); one whose Engine
  // has not answered `engine_timeout` after the instance first answered SSH is removed
  // (and replaced), with a log line naming it and the last error.
  std::string engine_socket;
  util::Duration engine_timeout = std::chrono::minutes(10);
  util::Duration tick = std::chrono::seconds(1);
  util::Duration call_timeout = std::chrono::seconds(60);    // each provider call
  util::Duration health_interval = std::chrono::seconds(10);
  util::Duration notice_interval = std::chrono::seconds(5);  // instance probe, per instance
  util::Duration shutdown_timeout = std::chrono::minutes(2);  // removing everything on Shutdown
  // The instances' dead-man switch timeout (the provider installs the watcher); the
  // heartbeat goes every cloud::HeartbeatInterval of it. Zero: no heartbeat.
  std::chrono::seconds dead_man_timeout{0};
  metrics::RunnerMetrics* metrics = nullptr;  // optional; outlives the runner
};

// What a job gets with its lease.
struct LeaseGrant {
  std::string instance;
  std::shared_ptr<connect::Connection> conn;
  // Fires (with the reason) when the instance is lost while the job holds the lease.
  std::shared_ptr<util::CancelToken> lost;
  util::Duration waited{};
  // Work done once per instance for its jobs (the helper image); shared by all its leases.
  std::shared_ptr<InstanceOnce> once;
};

// Counts for tests and the log.
struct FleetSnapshot {
  int requested = 0, booting = 0, idle = 0, busy = 0, draining = 0, removing = 0;
  int pending_jobs = 0, leased_jobs = 0;
  int listed = 0;  // instances in the last provider listing (any state but deleted)
};

class FleetRunner {
 public:
  // REQUIRES: options.provider and options.connect set; settings valid.
  FleetRunner(FleetOptions options, util::Clock& clock);
  ~FleetRunner();  // runs Shutdown
  FleetRunner(const FleetRunner&) = delete;
  FleetRunner& operator=(const FleetRunner&) = delete;

  // Lists the fleet, removes leftovers and starts the threads.
  void Start();

  // Whether the entry may ask GitLab for one more job now (false once shutting down).
  bool MayRequestJob();
  // Queues `job` and blocks until it has a lease. Fails with the autoscaler's reason
  // (e.g. acquire timeout, kResourceExhausted), or kCancelled when `interrupt` fired or
  // the fleet shuts down. REQUIRES: a job id not queued before.
  util::Result<LeaseGrant> Acquire(fleet::JobId job, const util::CancelToken& interrupt);
  // The job ended (any outcome); frees its slot. Unknown ids are ignored.
  // `instance_suspect`: the job ended as a system failure, so its instance takes no more
  // jobs (it is removed, like an unhealthy one) until a fresh listing says otherwise.
  void Release(fleet::JobId job, bool instance_suspect = false);

  // Stops the threads, then removes every instance the provider lists for this fleet,
  // bounded by options.shutdown_timeout. True when the provider then lists none.
  // Idempotent (a second call answers at once). Leases still held are severed (their
  // jobs end as runner_system_failure).
  bool Shutdown();

  // A config reload: the live autoscaler obeys `settings` from its next turn on; the
  // instances stay (Autoscaler::UpdateSettings). A new policy kind starts with no history.
  // REQUIRES: settings valid.
  void UpdateSettings(const fleet::AutoscalerSettings& settings);

  FleetSnapshot Snapshot();
  const std::string& name() const { return opt_.name; }

 private:
  struct Waiter;
  struct InstanceConn {
    std::shared_ptr<connect::Connection> conn;
    util::Time last_probe{};
    util::Time last_notice_probe{};
    util::Time last_heartbeat{};
    std::shared_ptr<InstanceOnce> once = std::make_shared<InstanceOnce>();
  };

  void Loop();
  // One turn: provider events, the listing (when `list`), Tick, decisions applied.
  void LoopOnce(bool list);
  void Prober();
  void ProbeOnce();
  // Tells the instance's dead-man switch its manager is alive (prober thread).
  void SendHeartbeat(const std::string& id, const std::shared_ptr<connect::Connection>& conn);
  // Runs the provider's instance probe on `conn` and reports the output (prober thread).
  void ProbeNotices(const std::string& id, const std::shared_ptr<connect::Connection>& conn);
  // Whether the instance's Docker Engine answers (always true without engine_socket);
  // past engine_timeout the instance is marked not ready (removed). Prober thread.
  bool EngineAnswers(const std::string& id, const std::shared_ptr<connect::Connection>& conn);
  void ApplyDecisions(const fleet::Decisions& d);
  void RemoveLeftovers();
  // REQUIRES: mu_ held. Marks instances the listing shows stopped for removal.
  void RemoveStopped(const std::vector<cloud::InstanceInfo>& listing);
  void Collect();  // metrics collector
  void CountRemoval(const std::string& reason);
  void AccountInstanceTime(util::Time now);
  std::vector<std::string> metric_labels() const { return {opt_.short_token, opt_.name}; }

  FleetOptions opt_;
  util::Clock& clock_;
  ProviderCaller caller_;
  const std::string probe_command_;  // the provider's InstanceProbeCommand ("" = none)

  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  fleet::Autoscaler scaler_;
  std::map<std::string, cloud::InstanceState> listed_;  // last listing
  std::map<std::string, InstanceConn> conns_;            // ready (or readying) instances
  std::map<std::string, util::Time> engine_wait_;        // answers SSH, its Engine not yet: since
  std::set<std::string> leftovers_;  // found on Start, removal not sent yet
  std::set<std::string> stopped_;    // seen stopped, removal booked
  util::CancelToken stop_;           // cancelled by Shutdown: ends commands on instances
  std::map<fleet::JobId, std::shared_ptr<Waiter>> waiters_;    // queued, no lease yet
  std::map<fleet::JobId, std::shared_ptr<util::CancelToken>> held_;  // leased
  std::map<fleet::JobId, std::string> held_on_;                       // leased: instance
  bool started_ = false, stopping_ = false, shut_down_ = false, wake_ = false;
  bool removed_all_ = false;  // the last Shutdown left nothing listed
  util::Time accounted_at_{};
  int collector_id_ = 0;
  std::thread loop_, prober_;
};

}  // namespace manager
