#pragma once
// Who may stop the stage that runs now. A hard abort (GitLab canceled the job, the runner
// shuts down) stops every stage and skips the rest; a script cancel (graceful cancel,
// timeout) stops only the job's script steps, so after_script still runs. Each stage gets
// a fresh CancelToken from Begin; events arriving between stages are remembered.
// Thread-safe.
#include <memory>
#include <mutex>
#include <string>

#include "util/cancel.h"

namespace job {

class StageGate {
 public:
  enum class Why { kNone, kCanceled, kTimeout, kAbort, kInterrupted };

  // Starts a stage. `script_step`: true for the job's script steps. The token is already
  // cancelled when an event that applies to this stage happened before.
  util::CancelToken& Begin(bool script_step);
  void End();

  void CancelScript(Why why, const std::string& reason);  // kCanceled or kTimeout
  void Abort(Why why, const std::string& reason);         // kAbort or kInterrupted

  Why script_cancel() const;
  Why abort() const;
  std::string reason() const;

 private:
  mutable std::mutex mu_;
  std::unique_ptr<util::CancelToken> current_;
  bool current_is_script_ = false;
  Why script_cancel_ = Why::kNone;
  Why abort_ = Why::kNone;
  std::string reason_;
};

}  // namespace job
