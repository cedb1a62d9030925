#pragma once
// sim::EventQueue: pending events ordered by (time, sequence number): equal times keep
// insertion order, so a run never depends on heap tie-breaking. Not thread-safe.
#include <cstdint>
#include <queue>
#include <vector>

#include "util/clock.h"

namespace sim {

template <typename Payload>
class EventQueue {
 public:
  struct Event {
    util::Time at;
    uint64_t seq;
    Payload payload;
  };
  void Push(util::Time at, Payload p) { heap_.push(Event{at, next_seq_++, std::move(p)}); }
  bool empty() const { return heap_.empty(); }
  size_t size() const { return heap_.size(); }
  // REQUIRES: !empty().
  util::Time NextAt() const { return heap_.top().at; }
  Event Pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      return a.at != b.at ? a.at > b.at : a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  uint64_t next_seq_ = 0;
};

}  // namespace sim
