#pragma once
// The `run` loop: polls GitLab for every [[runners]] entry and runs the jobs it gets.
// Limits as gitlab-runner applies them: `concurrent` jobs in the whole process, `limit`
// per entry, `request_concurrency` job requests in flight per entry; an entry whose job
// requests end in 403 `unhealthy_requests_limit` times in a row rests for
// `unhealthy_interval`. Entries with an autoscaled executor (instance, docker-autoscaler,
// docker+machine) get a FleetRunner: they ask for a job only when the fleet says so
// (preemptive mode), their jobs wait for an instance lease, and Wait removes every
// instance of every fleet before it returns. Metrics (gitlab-runner's names plus the
// fleets') are served on listen_address. Thread-safe: Stop/Reload may come from a signal thread.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "manager/job_launcher.h"
#include "metrics/http_server.h"
#include "metrics/runner_metrics.h"
#include "util/clock.h"
#include "util/status.h"

namespace manager {

struct FleetSeams;
class FleetRunner;

struct ManagerOptions {
  std::string config_path;
  // Where relative builds_dir/cache_dir resolve (the shell executor's "builds" lives here).
  std::string working_dir;
  // The user shell jobs run as (`run --user`); wins over config.toml's `user`.
  std::string job_user;
  // Replaces the executor factory and job runner (tests); empty: the real ones.
  std::shared_ptr<JobLauncher> launcher;
  // Fleets of autoscaled entries: the provider of an entry and the connections to its
  // instances (tests, see fleet_factories.h); null: cloud::NewProvider and SSH. Opaque
  // here so this header stays free of connect/ (whose namespace clashes with the socket
  // function ::connect in files that include <sys/socket.h>).
  std::shared_ptr<const FleetSeams> fleet_seams;
  util::Duration fleet_tick = std::chrono::seconds(1);
  // Each fleet's budget for removing its instances when the manager stops, counted from
  // the moment removal starts (never cut short by the time jobs took before).
  util::Duration fleet_removal_timeout = std::chrono::minutes(2);
  // Overrides config.toml's listen_address when set (tests: "127.0.0.1:0").
  std::string listen_address;
};

struct ManagerStats {
  int64_t requests = 0;       // job requests sent
  int64_t jobs_started = 0;
  int64_t jobs_finished = 0;
  int running = 0;
};

class Manager {
 public:
  explicit Manager(ManagerOptions options, util::Clock& clock = util::SystemClock::Get());
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Loads config.toml and the system id, removes what a crashed manager left behind,
  // and starts polling. Fails (and starts nothing) when the config does not load.
  util::Status Start();

  // Blocks until the manager was stopped, its jobs have ended and every fleet was removed
  // (manager_shutdown.cc): jobs first (after StopForceful, aborted jobs get config.toml's
  // shutdown_timeout, then they are abandoned), then every fleet at once, each within
  // fleet_removal_timeout, until its provider lists none of its instances. Job requests
  // still in flight (a long poll) are not waited for: threads_left() says so.
  void Wait();
  // After Wait: job requests or jobs whose threads still run (abandoned). The destructor
  // joins them; a process that exits may leave them (nothing of the fleets is left).
  int threads_left() const;
  // After Wait: false when a fleet could not remove every instance (logged by id).
  bool fleets_removed() const;

  // SIGQUIT: stop taking jobs; running jobs finish.
  void StopGraceful();
  // SIGTERM/SIGINT: stop taking jobs; running jobs are aborted and reported to GitLab as
  // runner_system_failure.
  void StopForceful();
  // A second SIGTERM: stop waiting for aborted jobs; remove the fleets now.
  void AbandonJobs();
  // SIGHUP (and a changed config file): re-read config.toml. Entries that were added start
  // polling, removed ones stop; running jobs keep the settings they started with. An
  // autoscaled entry that was removed retires: its fleet takes no new jobs, its running
  // jobs finish, then every instance of the fleet is removed and the fleet is destroyed.
  // Changed autoscaling settings reach the live fleet (its instances stay); a changed
  // provider, plugin_config, connector or executor replaces the fleet (retire, then a fresh
  // one). An entry that comes back with the same URL and token while its old fleet is
  // still retiring starts once that fleet is gone. On a load error (or settings the
  // autoscaler refuses) the old configuration stays in force. Reloads run one at a time.
  util::Status Reload();

  ManagerStats stats() const;

  // The metrics of this manager (also served on listen_address when set).
  metrics::Registry& metrics_registry() { return registry_; }
  // The port the metrics server listens on; 0 when it is not running.
  int metrics_port() const { return metrics_port_; }
  // The fleet of the entry named `name`, or null (tests and diagnostics).
  FleetRunner* fleet(const std::string& name);

 private:
  struct Entry;
  struct RunningJob;

  // REQUIRES: e is in entries_.
  void StartEntry(const std::shared_ptr<Entry>& e);
  util::Result<std::unique_ptr<FleetRunner>> StartFleet(const config::RunnerConfig& cfg);
  // The thread of a removed entry: joins its pollers, waits for its jobs, removes its
  // fleet, drops the entry and starts the entries that waited for it.
  void RetireEntry(std::shared_ptr<Entry> e);
  void StartMetrics(const config::Config& cfg);
  void CollectMetrics();
  void PollLoop(std::shared_ptr<Entry> e);
  bool TakeSlot(Entry& e, std::unique_lock<std::mutex>& l);
  void ReleaseSlot(Entry& e, int concurrent_id);
  void StartJob(const std::shared_ptr<Entry>& e, JobTicket ticket);
  void WatchConfig();
  // Ends every held job request at once (shutdown). REQUIRES: mu_ held.
  void AbortPollsLocked();
  void ReapFinished();
  bool stopping() const;
  // Shutdown phases (manager_shutdown.cc).
  void WaitForJobs();
  void RemoveFleets(const std::vector<std::shared_ptr<Entry>>& entries);
  void JoinExitedPollers(const std::vector<std::shared_ptr<Entry>>& entries, std::chrono::milliseconds patience);
  void JoinEverything();

  ManagerOptions options_;
  util::Clock& clock_;
  std::shared_ptr<JobLauncher> launcher_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  config::Config config_;
  std::string system_id_;
  std::vector<std::shared_ptr<Entry>> entries_;
  std::map<int64_t, std::shared_ptr<RunningJob>> jobs_;
  std::vector<std::shared_ptr<RunningJob>> finished_;
  int running_ = 0;
  bool stopping_ = false;
  bool forceful_ = false;
  std::chrono::steady_clock::time_point forceful_at_{};
  bool abandon_jobs_ = false;
  bool waited_ = false;         // Wait ran to its end
  int threads_left_ = 0;
  bool fleets_removed_ = true;
  ManagerStats stats_;
  std::thread watcher_;
  std::vector<std::thread> retirers_;  // RetireEntry threads, joined by Wait
  std::mutex reload_mu_;               // one Reload at a time

  metrics::Registry registry_;
  metrics::RunnerMetrics metrics_{registry_};
  metrics::HttpServer metrics_server_{registry_};
  int metrics_port_ = 0;
  int collector_id_ = 0;
};

}  // namespace manager
