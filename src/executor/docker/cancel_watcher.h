#pragma once
// Runs an action on a thread of its own as soon as a CancelToken fires, for as long as the
// watcher lives: how a blocked Docker call (attach, wait, pull) is interrupted.
#include <atomic>
#include <functional>
#include <thread>

#include "util/cancel.h"

namespace executor::docker {

class CancelWatcher {
 public:
  // `on_cancel` runs at most once, on the watcher's thread. `token` must outlive the watcher.
  CancelWatcher(const util::CancelToken& token, std::function<void()> on_cancel);
  // Stops watching; waits for `on_cancel` to return if it is running.
  ~CancelWatcher();
  CancelWatcher(const CancelWatcher&) = delete;
  CancelWatcher& operator=(const CancelWatcher&) = delete;

  // True once `on_cancel` has started.
  bool fired() const { return fired_.load(); }

 private:
  const util::CancelToken& token_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

}  // namespace executor::docker
