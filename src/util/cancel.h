#pragma once
// A cancellation flag shared between a job's threads. Waiters wake as soon as it is
// cancelled, so a canceled job stops within a tick instead of after a sleep.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace util {

class CancelToken {
 public:
  CancelToken() = default;
  CancelToken(const CancelToken&) = delete;
  CancelToken& operator=(const CancelToken&) = delete;

  // Marks the token cancelled (first reason wins), wakes all waiters and runs the
  // callbacks registered so far. Thread-safe; later calls are no-ops.
  void Cancel(const std::string& reason);
  bool cancelled() const;
  std::string reason() const;

  // Sleeps up to `d`; returns true if cancelled (before or during the wait).
  bool WaitFor(std::chrono::nanoseconds d) const;

  // Sleeps until cancelled or until `stop()`, evaluated under the token's lock, is true;
  // returns whether cancelled. Wake() makes sleepers evaluate `stop` again.
  bool WaitUntilCancelledOr(const std::function<bool()>& stop) const;
  void Wake() const;

  // Runs `fn` on Cancel (at once if already cancelled). Callbacks must be quick and must
  // outlive nothing they capture: the token owner keeps them alive until destruction.
  void OnCancel(std::function<void()> fn) const;

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool cancelled_ = false;
  std::string reason_;
  mutable std::vector<std::function<void()>> callbacks_;
};

}  // namespace util
