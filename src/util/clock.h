#pragma once
// The time seam. Only SystemClock reads the real clock; everything that decides
// (fleet/, the simulator, retry schedules) is handed a Clock& and never sleeps.
#include <atomic>
#include <chrono>

namespace util {

using Duration = std::chrono::nanoseconds;
using Time = std::chrono::sys_time<std::chrono::nanoseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time (UTC). Thread-safe.
  virtual Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Time Now() const override;
  // The process-wide real clock.
  static SystemClock& Get();
};

// A clock moved by hand: unit tests and the simulator's virtual time.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Time start = Time{}) : now_(start.time_since_epoch().count()) {}
  Time Now() const override { return Time(Duration(now_.load())); }
  void Set(Time t) { now_.store(t.time_since_epoch().count()); }
  void Advance(Duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> now_;
};

// Seconds since the Unix epoch, as GitLab's section markers want them.
int64_t UnixSeconds(Time t);
double ToSeconds(Duration d);
Duration FromSeconds(double s);

}  // namespace util
