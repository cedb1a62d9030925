#include "sim/clairvoyant_policy.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace sim {

ClairvoyantPolicy::ClairvoyantPolicy(const std::vector<TraceJob>& jobs, util::Time origin, double lookahead_s)
    : origin_(origin) {
  double end = 0;
  for (const auto& j : jobs) end = std::max(end, j.arrival_s + j.run_s);
  res_s_ = std::max(1.0, std::ceil(end / 2e6));
  size_t n = static_cast<size_t>(end / res_s_) + 2;
  std::vector<int> running(n + 1, 0);
  for (const auto& j : jobs) {
    auto a = static_cast<size_t>(j.arrival_s / res_s_);
    auto b = std::max(a + 1, static_cast<size_t>(std::ceil((j.arrival_s + j.run_s) / res_s_)));
    running[a] += 1;
    running[std::min(b, n)] -= 1;
  }
  for (size_t k = 1; k <= n; ++k) running[k] += running[k - 1];
  const auto h = static_cast<size_t>(std::ceil(lookahead_s / res_s_));
  window_max_.assign(n, 0);
  std::deque<size_t> dq;  // indices with decreasing values, over [k, k + h]
  for (size_t k = n; k-- > 0;) {
    while (!dq.empty() && running[dq.back()] <= running[k]) dq.pop_back();
    dq.push_back(k);
    while (dq.front() > k + h) dq.pop_front();
    window_max_[k] = running[dq.front()];
  }
}

fleet::Plan ClairvoyantPolicy::Decide(const fleet::FleetView& v) {
  double t = util::ToSeconds(v.now - origin_);
  int need = 0;
  if (t >= 0) {
    auto k = static_cast<size_t>(t / res_s_);
    if (k < window_max_.size()) need = window_max_[k];
  }
  const int c = v.capacity();
  int slots = std::max(need, v.used_slots + v.pending_jobs);
  int target = (slots + c - 1) / c;
  if (v.settings->max_instances > 0) target = std::min(target, v.settings->max_instances);
  fleet::Plan p;
  const int active = v.active();
  if (target > active) p.launch = target - active;
  for (auto it = v.idle_order->begin(); it != v.idle_order->end() && active - static_cast<int>(p.remove.size()) > target;
       ++it)
    p.remove.push_back(it->second);
  if (p.launch > 0 || !p.remove.empty())
    p.reason = "known future: " + std::to_string(need) + " jobs running within the lookahead; have " +
               std::to_string(active);
  return p;
}

}  // namespace sim
