#pragma once
// Runtime: carries out the Emulator's backend work (launch, remove) on an
// InstanceBackend, outside the emulator's lock, and reports the results back. Step()
// does one round synchronously (tests on a ManualClock); Start() runs rounds on one
// background thread. Shutdown() removes every backing instance still alive, so nothing
// is left behind when the emulator stops.
// Thread: Step/Shutdown from one thread at a time; Start/Stop from the owner.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "ec2emulator/backend.h"
#include "ec2emulator/emulator.h"

namespace ec2emulator {

class Runtime {
 public:
  // Both must outlive the Runtime.
  Runtime(Emulator& emulator, InstanceBackend& backend);
  ~Runtime();  // Stop()
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // One round: Emulator::Tick and the work it hands out. Returns how many items ran.
  size_t Step();
  // Rounds every `interval` on a background thread until Stop(). Idempotent.
  void Start(std::chrono::milliseconds interval);
  void Stop();
  // Stop(), then removes every backing instance the emulator still has (waiting for
  // launches in flight to finish first). Returns how many were removed.
  size_t Shutdown();

 private:
  Emulator& emulator_;
  InstanceBackend& backend_;
  std::mutex step_mu_;  // one round at a time
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace ec2emulator
