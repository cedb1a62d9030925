#pragma once
// fleet::Autoscaler: the books of one fleet (instances, job leases) plus a Policy.
// Pure logic: time only from the Clock (read once per public call), no sleeps, threads
// or I/O; the very same object runs in production, in tests on a ManualClock and in the
// simulator on virtual time. Decide, then do: Tick() returns Decisions; the caller
// applies them (Apply() does it through a cloud::Provider) and reports results back.
// Thread safety: none; one caller (the manager's loop) drives it. Not copyable.
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cloud/provider.h"
#include "fleet/decisions.h"
#include "fleet/policy.h"
#include "fleet/settings.h"
#include "util/clock.h"

namespace fleet {

class Autoscaler {
 public:
  // REQUIRES: settings.Validate().ok(), policy != nullptr. Keeps a reference to clock.
  Autoscaler(const util::Clock& clock, AutoscalerSettings settings, std::unique_ptr<Policy> policy);
  Autoscaler(const Autoscaler&) = delete;
  Autoscaler& operator=(const Autoscaler&) = delete;

  // ---- job side (the manager) ----
  // Whether to ask GitLab for one more job now (runner limit and the policy's mode).
  bool MayRequestJob();
  // A job was received; it waits for a slot (a Lease in a later Tick). REQUIRES: new id.
  void Enqueue(JobId job);
  // The job ended (any outcome); its slot is free again. Unknown ids are ignored.
  void Release(JobId job);

  // ---- provider side ----
  // A fresh List() result: adopts new ids, marks booted ones ready, notices gone ones.
  void Sync(const std::vector<cloud::InstanceInfo>& listing);
  void OnEvent(const cloud::ProviderEvent& event);
  // Readiness check result for a booting instance (when !settings.ready_on_running).
  void MarkReady(const std::string& id, bool ok);
  // Health probe result; failure_threshold consecutive failures remove the instance.
  void ReportHealth(const std::string& id, bool ok);

  // ---- reconfigure ----
  // A config reload: replaces the settings and, when `policy` is not null, the policy.
  // Instances, leases and waiting jobs stay as they are. Jobs already on an instance
  // above a lowered capacity_per_instance keep running (it takes no more until they
  // end); instances at or over a lowered max_use_count drain; idle instances above a
  // lowered max_instances are removed, longest idle first. What changed is explained in
  // the notes of the next Tick. REQUIRES: settings.Validate().ok().
  void UpdateSettings(AutoscalerSettings settings, std::unique_ptr<Policy> policy = nullptr);

  // ---- decide ----
  Decisions Tick();

  // ---- do ----
  // Applies launches and removals of `d` through `provider` and records the results.
  void Apply(const Decisions& d, cloud::Provider& provider);
  // Results of doing it yourself: asked = d.launch; granted count or the failure.
  void OnIncreaseResult(int asked, const util::Result<int>& granted);
  void OnDecreaseResult(const std::vector<std::string>& asked,
                        const util::Result<std::vector<std::string>>& accepted);

  // ---- introspection ----
  FleetView View();  // reads the clock
  const std::map<std::string, Instance>& instances() const { return instances_; }
  int pending_jobs() const { return static_cast<int>(pending_.size()); }
  int leased_jobs() const { return static_cast<int>(leases_.size()); }
  const AutoscalerSettings& settings() const { return settings_; }
  Policy& policy() { return *policy_; }

 private:
  struct PendingJob {
    JobId job;
    util::Time since;
  };
  struct LeaseRec {
    std::string instance;
    util::Time started;
  };
  struct Grant {
    util::Time at;
    int count;
  };
  using SlotKey = std::tuple<int, int64_t, std::string>;  // (-leases, -idle since, id)

  FleetView ViewAt(util::Time now);
  // Index maintenance: every state/lease change goes through Unindex/Index.
  void Unindex(const Instance& in);
  void Index(const Instance& in);
  void SetState(Instance& in, InstanceState s);
  void MakeReady(Instance& in, util::Time now);
  void Drain(Instance& in, const std::string& reason);
  void Gone(const std::string& id, const std::string& why, util::Time now);
  void IncreaseFailed(util::Time now, const std::string& why);
  void AssignJobs(util::Time now, Decisions& d);
  void Housekeep(util::Time now, Decisions& d);

  const util::Clock& clock_;
  AutoscalerSettings settings_;
  std::unique_ptr<Policy> policy_;

  std::map<std::string, Instance> instances_;
  std::set<IdleKey> idle_;
  std::set<AgeKey> available_;
  std::set<SlotKey> free_slots_;
  std::set<IdleKey> booting_since_;  // (listed, id) of booting instances
  std::map<std::string, std::string> drain_reason_;
  int booting_ = 0, idle_count_ = 0, busy_ = 0, draining_ = 0, removing_ = 0;
  int used_slots_ = 0, free_slot_count_ = 0;
  uint64_t next_seq_ = 0;

  std::deque<Grant> grants_;  // requested, not listed yet, oldest first
  int requested_ = 0;
  int in_flight_ = 0;         // launches decided, result not reported yet
  int increase_failures_ = 0;
  util::Time backoff_until_{};
  util::Time next_removal_check_{};
  bool at_limit_ = false;

  std::deque<PendingJob> pending_;
  std::set<JobId> pending_ids_;
  std::map<JobId, LeaseRec> leases_;
  std::vector<JobFailure> failed_outbox_;
  std::vector<std::string> notes_outbox_;
};

}  // namespace fleet
