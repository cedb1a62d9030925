// Manager: the shutdown sequence. Whatever the jobs and GitLab do, `run` ends with no
// instance left: jobs get a bounded time once aborted, job requests in flight (a long
// poll may last minutes) are not waited for, and the fleets are removed with a budget of
// their own that starts when removal starts.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "manager/manager.h"
#include "manager/manager_entry.h"

namespace manager {

namespace {

std::chrono::seconds JobAbortGrace(const config::Config& c) {
  return std::chrono::seconds(c.shutdown_timeout > 0 ? c.shutdown_timeout : 30);
}

}  // namespace

void Manager::AbandonJobs() {
  std::lock_guard<std::mutex> l(mu_);
  abandon_jobs_ = true;
  cv_.notify_all();
}

int Manager::threads_left() const {
  std::lock_guard<std::mutex> l(mu_);
  return threads_left_;
}

bool Manager::fleets_removed() const {
  std::lock_guard<std::mutex> l(mu_);
  return fleets_removed_;
}

void Manager::Wait() {
  {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return stopping_; });
    if (waited_) return;
  }
  if (watcher_.joinable()) watcher_.join();
  // Removed entries finish retiring (their jobs end, their fleets are removed). A Reload
  // under way finishes first; none adds a retirer or an entry once stopping_ is set.
  std::vector<std::thread> retirers;
  {
    std::lock_guard<std::mutex> one_at_a_time(reload_mu_);
    std::lock_guard<std::mutex> l(mu_);
    retirers.swap(retirers_);
  }
  for (auto& t : retirers) t.join();
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard<std::mutex> l(mu_);
    entries = entries_;
  }
  // Pollers see stopping_ and take no slot any more; one in a long poll may still bring
  // a job, which starts aborted (forceful) and is waited for like the others.
  WaitForJobs();
  RemoveFleets(entries);
  JoinExitedPollers(entries, std::chrono::seconds(1));
  metrics_server_.Stop();
  metrics_port_ = 0;
  std::lock_guard<std::mutex> l(mu_);
  waited_ = true;
}

void Manager::WaitForJobs() {
  std::unique_lock<std::mutex> l(mu_);
  bool told = false;
  for (;;) {
    std::vector<int64_t> running;
    for (const auto& [id, j] : jobs_) {
      if (!j->done) running.push_back(id);
    }
    if (running.empty()) break;
    if (forceful_) {
      auto grace = JobAbortGrace(config_);
      if (abandon_jobs_ || std::chrono::steady_clock::now() >= forceful_at_ + grace) {
        std::string ids;
        for (int64_t id : running) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
        spdlog::error("{} aborted job(s) did not end {} ({}); removing the fleets anyway", running.size(),
                      abandon_jobs_ ? "before the second signal" : "within shutdown_timeout (" +
                                                                      std::to_string(grace.count()) + " s)",
                      ids);
        break;
      }
      if (!told) {
        spdlog::info("Waiting up to {} s for {} aborted job(s) to end", grace.count(), running.size());
        told = true;
      }
    }
    cv_.wait_for(l, std::chrono::milliseconds(200));
  }
  // Join the jobs that ended; the others stay in jobs_ (threads_left, the destructor).
  l.unlock();
  ReapFinished();
}

void Manager::RemoveFleets(const std::vector<std::shared_ptr<Entry>>& entries) {
  // Every fleet at once: each has its own budget, none waits for another's.
  std::vector<FleetRunner*> fleets;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& e : entries) {
      if (e->fleet) fleets.push_back(e->fleet.get());
    }
  }
  if (fleets.empty()) return;
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> removers;
  std::vector<char> ok(fleets.size(), 0);
  for (size_t i = 0; i < fleets.size(); ++i) {
    removers.emplace_back([&, i] { ok[i] = fleets[i]->Shutdown(); });
  }
  for (auto& t : removers) t.join();
  bool all = std::all_of(ok.begin(), ok.end(), [](char c) { return c != 0; });
  spdlog::info("Fleets removed{} in {} ms", all ? "" : " (not every instance, see above)",
               std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  std::lock_guard<std::mutex> l(mu_);
  fleets_removed_ = all;
}

void Manager::JoinExitedPollers(const std::vector<std::shared_ptr<Entry>>& entries,
                                std::chrono::milliseconds patience) {
  std::unique_lock<std::mutex> l(mu_);
  auto all_exited = [&] {
    for (const auto& e : entries) {
      if (e->pollers_exited < static_cast<int>(e->pollers.size())) return false;
    }
    return true;
  };
  cv_.wait_for(l, patience, all_exited);
  int left = 0;
  std::vector<std::thread> joinable;
  for (const auto& e : entries) {
    if (e->pollers_exited >= static_cast<int>(e->pollers.size())) {
      for (auto& t : e->pollers) joinable.push_back(std::move(t));
      e->pollers.clear();
      e->pollers_exited = 0;
    } else {
      left += static_cast<int>(e->pollers.size()) - e->pollers_exited;
    }
  }
  for (const auto& [id, j] : jobs_) left += !j->done;
  threads_left_ = left;
  l.unlock();
  for (auto& t : joinable) t.join();
  if (left > 0) spdlog::warn("{} job request(s) or job(s) still in flight; not waiting for them", left);
}

void Manager::JoinEverything() {
  std::vector<std::thread> threads;
  std::vector<std::shared_ptr<RunningJob>> jobs;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& e : entries_) {
      for (auto& t : e->pollers) threads.push_back(std::move(t));
      e->pollers.clear();
    }
    for (auto& [id, j] : jobs_) jobs.push_back(j);
    jobs_.clear();
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
  for (auto& j : jobs) {
    if (j->thread.joinable()) j->thread.join();
  }
}

}  // namespace manager
