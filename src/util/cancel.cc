#include "util/cancel.h"

namespace util {

void CancelToken::Cancel(const std::string& reason) {
  std::vector<std::function<void()>> run;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    reason_ = reason;
    run.swap(callbacks_);
  }
  cv_.notify_all();
  for (auto& fn : run) fn();
}

bool CancelToken::cancelled() const {
  std::lock_guard<std::mutex> l(mu_);
  return cancelled_;
}

std::string CancelToken::reason() const {
  std::lock_guard<std::mutex> l(mu_);
  return reason_;
}

bool CancelToken::WaitFor(std::chrono::nanoseconds d) const {
  std::unique_lock<std::mutex> l(mu_);
  return cv_.wait_for(l, d, [&] { return cancelled_; });
}

bool CancelToken::WaitUntilCancelledOr(const std::function<bool()>& stop) const {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return cancelled_ || stop(); });
  return cancelled_;
}

void CancelToken::Wake() const {
  { std::lock_guard<std::mutex> l(mu_); }  // a sleeper is either waiting or will see the change
  cv_.notify_all();
}

void CancelToken::OnCancel(std::function<void()> fn) const {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!cancelled_) {
      callbacks_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

}  // namespace util
