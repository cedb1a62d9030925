#include "ec2emulator/runtime.h"

#include <spdlog/spdlog.h>

namespace ec2emulator {

Runtime::Runtime(Emulator& emulator, InstanceBackend& backend) : emulator_(emulator), backend_(backend) {}

Runtime::~Runtime() { Stop(); }

size_t Runtime::Step() {
  std::lock_guard<std::mutex> l(step_mu_);
  std::vector<BackendWork> work = emulator_.Tick();
  for (const BackendWork& w : work) {
    if (w.kind == BackendWork::Kind::kLaunch) {
      util::Result<LaunchedInstance> r = backend_.Launch(w.launch);
      if (!r.ok()) spdlog::warn("ec2-emulator: launch of {} failed: {}", w.instance_id, r.status().ToString());
      emulator_.OnLaunched(w.instance_id, r);
    } else {
      util::Status s = backend_.Terminate(w.handle);
      if (!s.ok()) {
        spdlog::warn("ec2-emulator: removal of {} failed: {}", w.instance_id, s.ToString());
        continue;  // stays unconfirmed: Shutdown() tries again
      }
      emulator_.OnTerminated(w.instance_id);
    }
  }
  for (const std::string& handle : backend_.TakeVanished()) {
    spdlog::info("ec2-emulator: backing instance {} powered itself off", handle);
    emulator_.OnInstanceShutdown(handle);
  }
  return work.size();
}

void Runtime::Start(std::chrono::milliseconds interval) {
  if (thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      l.unlock();
      Step();
      l.lock();
      cv_.wait_for(l, interval, [this] { return stop_; });
    }
  });
}

void Runtime::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t Runtime::Shutdown() {
  Stop();
  std::lock_guard<std::mutex> l(step_mu_);
  size_t removed = 0;
  for (const auto& [id, handle] : emulator_.LiveBackends()) {
    if (handle.empty()) continue;  // the launch failed or never reported: nothing to remove
    util::Status s = backend_.Terminate(handle);
    if (!s.ok()) {
      spdlog::warn("ec2-emulator: removal of {} at shutdown failed: {}", id, s.ToString());
      continue;
    }
    emulator_.OnTerminated(id);
    ++removed;
  }
  return removed;
}

}  // namespace ec2emulator
