#include "executor/docker/cancel_watcher.h"

namespace executor::docker {

CancelWatcher::CancelWatcher(const util::CancelToken& token, std::function<void()> on_cancel) : token_(token) {
  thread_ = std::thread([this, fn = std::move(on_cancel)] {
    if (!token_.WaitUntilCancelledOr([this] { return stop_.load(); }) || stop_.load()) return;
    fired_.store(true);
    fn();
  });
}

CancelWatcher::~CancelWatcher() {
  stop_.store(true);
  token_.Wake();
  thread_.join();
}

}  // namespace executor::docker
