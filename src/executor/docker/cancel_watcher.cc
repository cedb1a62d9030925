#include "executor/docker/cancel_watcher.h"

#include <chrono>

namespace executor::docker {

// The token's waiters wake at once on Cancel; the short tick only bounds how long the
// destructor waits for the thread to notice `stop_` (the token offers no const way to
// register a callback).
CancelWatcher::CancelWatcher(const util::CancelToken& token, std::function<void()> on_cancel) {
  thread_ = std::thread([this, &token, fn = std::move(on_cancel)] {
    while (!stop_.load()) {
      if (token.WaitFor(std::chrono::milliseconds(20))) {
        if (stop_.load()) return;
        fired_.store(true);
        fn();
        return;
      }
    }
  });
}

CancelWatcher::~CancelWatcher() {
  stop_.store(true);
  thread_.join();
}

}  // namespace executor::docker
