#include "job/stage_gate.h"

namespace job {

util::CancelToken& StageGate::Begin(bool script_step) {
  std::lock_guard<std::mutex> l(mu_);
  current_ = std::make_unique<util::CancelToken>();
  current_is_script_ = script_step;
  if (abort_ != Why::kNone || (script_step && script_cancel_ != Why::kNone)) current_->Cancel(reason_);
  return *current_;
}

void StageGate::End() {
  std::lock_guard<std::mutex> l(mu_);
  current_.reset();
}

void StageGate::CancelScript(Why why, const std::string& reason) {
  std::lock_guard<std::mutex> l(mu_);
  if (script_cancel_ != Why::kNone || abort_ != Why::kNone) return;
  script_cancel_ = why;
  reason_ = reason;
  if (current_ && current_is_script_) current_->Cancel(reason);
}

void StageGate::Abort(Why why, const std::string& reason) {
  std::lock_guard<std::mutex> l(mu_);
  if (abort_ != Why::kNone) return;
  abort_ = why;
  reason_ = reason;
  if (current_) current_->Cancel(reason);
}

StageGate::Why StageGate::script_cancel() const {
  std::lock_guard<std::mutex> l(mu_);
  return script_cancel_;
}

StageGate::Why StageGate::abort() const {
  std::lock_guard<std::mutex> l(mu_);
  return abort_;
}

std::string StageGate::reason() const {
  std::lock_guard<std::mutex> l(mu_);
  return reason_;
}

}  // namespace job
