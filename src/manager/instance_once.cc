#include "manager/instance_once.h"

namespace manager {

util::Status InstanceOnce::Run(const std::string& key, const std::function<util::Status()>& step, bool* ran) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto& slot = entries_[key];
    if (!slot) slot = std::make_shared<Entry>();
    e = slot;
  }
  std::lock_guard<std::mutex> l(e->mu);  // a second caller waits here for the first
  if (ran) *ran = !e->done;
  if (!e->done) {
    e->result = step();
    e->done = true;
  }
  return e->result;
}

}  // namespace manager
