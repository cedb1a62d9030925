#pragma once
// Work done once per fleet instance for the jobs that run on it (today: putting the
// helper image on its Engine). One object per instance, made when the instance became
// ready and dropped with it, so a new instance that reuses a removed one's id starts
// with nothing done.
//
// Thread-safe: jobs starting on one instance at the same moment run a step once; the
// others wait for it and get its result. A failed step's result is kept too: the
// instance is not trusted again (the job that saw it marks it suspect).
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "util/status.h"

namespace manager {

class InstanceOnce {
 public:
  InstanceOnce() = default;
  InstanceOnce(const InstanceOnce&) = delete;
  InstanceOnce& operator=(const InstanceOnce&) = delete;

  // Runs `step` the first time `key` is asked for; later calls return its result without
  // running anything. `ran` (optional) tells whether this call ran it.
  util::Status Run(const std::string& key, const std::function<util::Status()>& step, bool* ran = nullptr);

 private:
  struct Entry {
    std::mutex mu;  // held while the step runs
    bool done = false;
    util::Status result;
  };
  std::mutex mu_;  // guards entries_
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace manager
