#include "executor/docker/abort_handle.h"

namespace executor::docker {

void AbortHandle::Abort() {
  std::lock_guard<std::mutex> l(mu_);
  aborted_ = true;
  for (HttpExchange* ex : live_) ex->Close();
}

bool AbortHandle::aborted() const {
  std::lock_guard<std::mutex> l(mu_);
  return aborted_;
}

AbortHandle::Registration::Registration(AbortHandle* handle, HttpExchange* ex) : handle_(handle), ex_(ex) {
  if (!handle_) return;
  std::lock_guard<std::mutex> l(handle_->mu_);
  if (handle_->aborted_) ex_->Close();
  handle_->live_.insert(ex_);
}

AbortHandle::Registration::~Registration() {
  if (!handle_) return;
  std::lock_guard<std::mutex> l(handle_->mu_);
  handle_->live_.erase(ex_);
}

}  // namespace executor::docker
