#include "manager/poll_pacer.h"

#include <algorithm>

namespace manager {

util::Duration PollPacer::Next(const gitlab::RequestJobResult& r, const std::string& sent_last_update,
                               util::Duration took) {
  using K = gitlab::RequestJobResult::Kind;
  if (r.kind == K::kJob) {
    quick_in_a_row_ = 0;
    return util::Duration::zero();
  }
  if (took >= kHeld) {
    quick_in_a_row_ = 0;
  } else if (quick_in_a_row_ <= kMaxQuickInARow) {
    ++quick_in_a_row_;
  }
  const bool fresh_cursor = !r.last_update.empty() && r.last_update != sent_last_update;
  const bool news = r.kind == K::kNoJob && (r.hold_ended || fresh_cursor);
  if (news && quick_in_a_row_ <= kMaxQuickInARow) return util::Duration::zero();
  return std::max(util::Duration::zero(), check_interval_ - took);
}

}  // namespace manager
