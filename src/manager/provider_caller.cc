#include "manager/provider_caller.h"

#include <spdlog/spdlog.h>

namespace manager {

struct ProviderCaller::State {
  std::shared_ptr<cloud::Provider> provider;
  std::mutex mu;
  std::condition_variable cv;
  std::function<void(cloud::Provider&)> task;  // posted, not started
  uint64_t posted = 0, finished = 0;           // call sequence numbers
  std::string running;                          // what the worker runs now ("" = idle)
  std::chrono::steady_clock::time_point running_since{};
  bool stop = false;
};

ProviderCaller::ProviderCaller(std::shared_ptr<cloud::Provider> provider) : st_(std::make_shared<State>()) {
  st_->provider = std::move(provider);
  worker_ = std::thread([st = st_] {
    std::unique_lock<std::mutex> l(st->mu);
    for (;;) {
      st->cv.wait(l, [&] { return st->stop || st->task; });
      if (!st->task) return;  // stopped and idle
      auto task = std::move(st->task);
      st->task = nullptr;
      l.unlock();
      task(*st->provider);
      l.lock();
      ++st->finished;
      st->running.clear();
      st->cv.notify_all();
    }
  });
}

ProviderCaller::~ProviderCaller() {
  bool stuck;
  {
    std::lock_guard<std::mutex> l(st_->mu);
    st_->stop = true;
    st_->task = nullptr;
    stuck = !st_->running.empty();
    if (stuck) spdlog::error("provider call {} still has not returned; leaving it behind", st_->running);
    st_->cv.notify_all();
  }
  if (stuck) {
    worker_.detach();  // it holds the provider and the state alive until the call returns
  } else {
    worker_.join();
  }
}

util::Status ProviderCaller::Run(const std::string& what, util::Duration timeout,
                                 std::function<void(cloud::Provider&)> fn) {
  std::unique_lock<std::mutex> l(st_->mu);
  // Another thread's call may be running: wait for it within our own budget.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!st_->running.empty() && !st_->stop) {
    auto age = std::chrono::steady_clock::now() - st_->running_since;
    if (age > timeout) {
      return util::Status::Unavailable(what + ": the provider is still busy with " + st_->running + " (" +
                                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(age).count()) +
                                       "s)");
    }
    if (st_->cv.wait_until(l, deadline) == std::cv_status::timeout) break;
  }
  if (st_->stop) return util::Status::Cancelled(what + ": the fleet is stopping");
  if (!st_->running.empty()) return util::Status::Unavailable(what + ": the provider is busy with " + st_->running);
  uint64_t seq = ++st_->posted;
  st_->task = std::move(fn);
  st_->running = what;
  st_->running_since = std::chrono::steady_clock::now();
  st_->cv.notify_all();
  auto call_deadline = std::chrono::steady_clock::now() + timeout;
  while (st_->finished < seq) {
    if (st_->cv.wait_until(l, call_deadline) == std::cv_status::timeout && st_->finished < seq) {
      return util::Status::DeadlineExceeded(
          what + " did not answer within " +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(timeout).count()) + "ms");
    }
  }
  return util::Status::Ok();
}

}  // namespace manager
