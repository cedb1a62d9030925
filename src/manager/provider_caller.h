#pragma once
// manager::ProviderCaller: serializes the calls to one cloud::Provider on a worker thread
// and bounds each with a timeout, so a provider that hangs costs the fleet a clear error
// ("Increase did not answer within 60s") instead of a stuck loop. While a timed-out call
// is still running, later calls fail at once with kUnavailable: nothing piles up behind
// it and no second Increase is sent while the fate of the first is unknown.
//
// Thread safety: Call may come from several threads (calls run one at a time). The
// provider is shared with the worker, which may outlive the caller if a call never
// returns (the worker is then detached, keeping the provider alive). Not copyable.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "cloud/provider.h"
#include "util/clock.h"
#include "util/status.h"

namespace manager {

class ProviderCaller {
 public:
  explicit ProviderCaller(std::shared_ptr<cloud::Provider> provider);
  ~ProviderCaller();
  ProviderCaller(const ProviderCaller&) = delete;
  ProviderCaller& operator=(const ProviderCaller&) = delete;

  // Runs fn(provider) on the worker and waits up to `timeout`. On timeout returns
  // kDeadlineExceeded naming `what`; fn keeps running and its result is dropped.
  template <typename T>
  util::Result<T> Call(const std::string& what, util::Duration timeout,
                       std::function<util::Result<T>(cloud::Provider&)> fn) {
    auto slot = std::make_shared<util::Result<T>>(util::Status::Internal(what + ": no result"));
    util::Status s = Run(what, timeout, [slot, fn = std::move(fn)](cloud::Provider& p) { *slot = fn(p); });
    if (!s.ok()) return s;
    return *slot;
  }

 private:
  struct State;
  util::Status Run(const std::string& what, util::Duration timeout, std::function<void(cloud::Provider&)> fn);

  std::shared_ptr<State> st_;
  std::thread worker_;
};

}  // namespace manager
