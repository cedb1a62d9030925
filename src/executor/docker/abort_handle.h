#pragma once
// Lets one thread abort the HTTP exchanges another thread has in flight: the cancel path of
// a job (the watcher closes the pull, attach or wait stream it is blocked on).
#include <mutex>
#include <set>

#include "executor/docker/http_over_stream.h"

namespace executor::docker {

// Thread-safe.
class AbortHandle {
 public:
  AbortHandle() = default;
  AbortHandle(const AbortHandle&) = delete;
  AbortHandle& operator=(const AbortHandle&) = delete;

  // Closes every registered exchange; exchanges registered later are closed at once.
  void Abort();
  bool aborted() const;

  // Keeps `ex` registered while alive. REQUIRES: `ex` outlives the registration, and the
  // handle outlives it too.
  class Registration {
   public:
    Registration(AbortHandle* handle, HttpExchange* ex);  // handle may be null: no-op
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;

   private:
    AbortHandle* handle_;
    HttpExchange* ex_;
  };

 private:
  mutable std::mutex mu_;
  bool aborted_ = false;
  std::set<HttpExchange*> live_;
};

}  // namespace executor::docker
