#include "sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <set>

#include "fleet/autoscaler.h"
#include "sim/clairvoyant_policy.h"

namespace sim {
namespace {

using util::FromSeconds;
using util::Time;

class Fnv {
 public:
  void Add(uint64_t v) {
    for (int i = 0; i < 8; ++i) h_ = (h_ ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
  }
  void Add(const std::string& s) {
    for (unsigned char c : s) h_ = (h_ ^ c) * 0x100000001b3ULL;
    Add(s.size());
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = 0xcbf29ce484222325ULL;
};

struct Finish {
  int64_t job;
  int attempt;
};

class Run {
 public:
  Run(const std::vector<TraceJob>& jobs, const SimOptions& o, std::unique_ptr<fleet::Policy> policy)
      : jobs_(jobs), o_(o), origin_(Time(std::chrono::seconds(o.start_unix))), clock_(origin_), rng_(o.seed),
        provider_(clock_, o.provider, rng_), scaler_(clock_, o.settings, std::move(policy)),
        attempt_(jobs.size(), 0), started_(jobs.size(), false) {
    res_.waits_s.assign(jobs.size(), 0);
  }

  util::Result<SimResult> Go() {
    const util::Duration tick = FromSeconds(o_.tick_s);
    queue_.Push(origin_, Finish{-1, 0});  // the periodic tick
    Time last_sync = origin_ - std::chrono::hours(1), next_sample = origin_;
    Time last_done = origin_;
    while (true) {
      Time t = Time::max();
      if (next_arrival_ < jobs_.size()) t = At(jobs_[next_arrival_].arrival_s);
      if (!queue_.empty()) t = std::min(t, queue_.NextAt());
      t = std::min(t, provider_.NextChangeAt());
      if (t == Time::max()) break;
      clock_.Set(t);
      while (next_arrival_ < jobs_.size() && At(jobs_[next_arrival_].arrival_s) <= t) gitlab_.push_back(next_arrival_++);
      bool periodic = false;
      while (!queue_.empty() && queue_.NextAt() <= t) {
        Finish f = queue_.Pop().payload;
        if (f.job == -1) {
          periodic = true;
        } else if (f.job < 0) {
          sync_wake_queued_ = false;  // only wakes the loop for a pending sync
        } else if (f.attempt == attempt_[f.job] && running_.erase(f.job)) {
          scaler_.Release(f.job);
          ++done_;
          last_done = t;
        }
      }
      provider_.AdvanceTo(t);
      bool dirty = provider_.TakeDirty();
      if (dirty || pending_sync_) {
        if (t - last_sync >= FromSeconds(o_.sync_interval_s)) {
          auto list = provider_.List();
          if (list.ok()) scaler_.Sync(*list);
          last_sync = t;
          pending_sync_ = false;
        } else {
          pending_sync_ = true;
          if (!sync_wake_queued_) queue_.Push(last_sync + FromSeconds(o_.sync_interval_s), Finish{-2, 0});
          sync_wake_queued_ = true;
        }
      }
      for (const auto& e : provider_.TakeEvents()) scaler_.OnEvent(e);
      Step(t);
      if (t >= next_sample) {
        Sample(t);
        next_sample = t + FromSeconds(o_.sample_s);
      }
      bool all_done = done_ == static_cast<int64_t>(jobs_.size());
      if (all_done && (provider_.alive() == 0 || t - last_done > FromSeconds(o_.drain_limit_s))) break;
      if (periodic) queue_.Push(t + tick, Finish{-1, 0});
      if (o_.progress && (++events_ & 0xffff) == 0) o_.progress(static_cast<double>(done_) / jobs_.size());
    }
    if (done_ != static_cast<int64_t>(jobs_.size()))
      return util::Status::Internal("simulation ended with " + std::to_string(jobs_.size() - done_) +
                                    " job(s) never run");
    Time end = clock_.Now();
    res_.policy = std::string(scaler_.policy().Name());
    res_.jobs = static_cast<int64_t>(jobs_.size());
    res_.billing = provider_.Totals(end);
    res_.span_s = util::ToSeconds(end - origin_);
    fp_.Add(static_cast<uint64_t>(res_.billing.launched));
    res_.fingerprint = fp_.value();
    if (o_.progress) o_.progress(1.0);
    return std::move(res_);
  }

 private:
  Time At(double s) const { return origin_ + FromSeconds(s); }

  void Step(Time t) {
    for (int round = 0; round < 4; ++round) {
      bool took = false;
      while (!gitlab_.empty() && scaler_.MayRequestJob()) {
        int64_t j = gitlab_.front();
        gitlab_.pop_front();
        scaler_.Enqueue(j);
        took = true;
      }
      fleet::Decisions d = scaler_.Tick();
      ++res_.ticks;
      Record(d);
      scaler_.Apply(d, provider_);
      for (const auto& l : d.leases) {
        running_.insert(l.job);
        if (!started_[l.job]) {
          started_[l.job] = true;
          res_.waits_s[l.job] = util::ToSeconds(t - At(jobs_[l.job].arrival_s));
          sample_max_wait_ = std::max(sample_max_wait_, res_.waits_s[l.job]);
        }
        queue_.Push(t + FromSeconds(jobs_[l.job].run_s), Finish{l.job, attempt_[l.job]});
      }
      for (const auto& f : d.failures) {  // GitLab retries a runner_system_failure
        running_.erase(f.job);
        ++attempt_[f.job];
        started_[f.job] = false;
        ++res_.retries;
        gitlab_.push_front(f.job);
      }
      if (!took && d.leases.empty() && d.failures.empty()) break;
    }
  }

  void Record(const fleet::Decisions& d) {
    if (d.launch == 0 && d.remove.empty() && d.leases.empty() && d.failures.empty()) return;
    fp_.Add(static_cast<uint64_t>(d.at.time_since_epoch().count()));
    fp_.Add(static_cast<uint64_t>(d.launch));
    for (const auto& r : d.remove) fp_.Add(r.id);
    for (const auto& l : d.leases) {
      fp_.Add(static_cast<uint64_t>(l.job));
      fp_.Add(l.instance);
    }
    for (const auto& f : d.failures) fp_.Add(static_cast<uint64_t>(f.job));
    if (o_.explain) {
      double ts = util::ToSeconds(d.at - origin_);
      for (const auto& line : d.Explain()) o_.explain(ts, line);
    }
  }

  void Sample(Time t) {
    TimelineSample s;
    s.t_s = util::ToSeconds(t - origin_);
    s.waiting = static_cast<int>(gitlab_.size()) + scaler_.pending_jobs();
    s.demand = s.waiting + static_cast<int>(running_.size());
    s.instances = provider_.alive();
    s.max_wait_s = sample_max_wait_;
    sample_max_wait_ = 0;
    res_.timeline.push_back(s);
  }

  const std::vector<TraceJob>& jobs_;
  const SimOptions& o_;
  Time origin_;
  util::ManualClock clock_;
  Rng rng_;
  SimProvider provider_;
  fleet::Autoscaler scaler_;
  EventQueue<Finish> queue_;
  std::deque<int64_t> gitlab_;
  std::set<int64_t> running_;
  std::vector<int> attempt_;
  std::vector<bool> started_;
  size_t next_arrival_ = 0;
  int64_t done_ = 0;
  uint64_t events_ = 0;
  bool pending_sync_ = false;
  bool sync_wake_queued_ = false;
  double sample_max_wait_ = 0;
  Fnv fp_;
  SimResult res_;
};

}  // namespace

util::Result<SimResult> RunSimulation(const std::vector<TraceJob>& jobs, const SimOptions& o) {
  if (jobs.empty()) return util::Status::InvalidArgument("empty trace");
  if (auto s = o.settings.Validate(); !s.ok()) return s;
  std::unique_ptr<fleet::Policy> policy;
  if (o.policy == "clairvoyant") {
    double look = o.provider.boot_median_s * std::exp(2 * o.provider.boot_sigma) + o.tick_s + o.sync_interval_s;
    policy = std::make_unique<ClairvoyantPolicy>(jobs, Time(std::chrono::seconds(o.start_unix)), look);
  } else {
    auto kind = fleet::ParsePolicyKind(o.policy);
    if (!kind.ok()) return kind.status();
    policy = fleet::MakePolicy(*kind);
  }
  Run run(jobs, o, std::move(policy));
  return run.Go();
}

}  // namespace sim
