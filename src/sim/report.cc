#include "sim/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace sim {

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

Summary Summarize(const SimResult& r) {
  Summary s;
  s.policy = r.policy;
  s.jobs = r.jobs;
  std::vector<double> w = r.waits_s;
  s.wait_p50_s = Percentile(w, 50);
  s.wait_p95_s = Percentile(w, 95);
  s.wait_p99_s = Percentile(w, 99);
  s.wait_max_s = w.empty() ? 0 : w.back();
  double sum = 0;
  for (double x : w) sum += x;
  s.wait_mean_s = w.empty() ? 0 : sum / static_cast<double>(w.size());
  s.instance_hours = r.billing.instance_seconds / 3600.0;
  s.cost = r.billing.cost;
  s.peak_instances = r.billing.peak_instances;
  s.provider_calls = r.billing.provider_calls;
  s.launched = r.billing.launched;
  s.interrupted = r.billing.interrupted;
  s.retries = r.retries;
  s.fingerprint = r.fingerprint;
  s.span_h = r.span_s / 3600.0;
  return s;
}

std::string ToJson(const Summary& s) {
  char fp[20];
  std::snprintf(fp, sizeof fp, "%016llx", static_cast<unsigned long long>(s.fingerprint));
  auto round3 = [](double x) { return std::round(x * 1000) / 1000; };
  nlohmann::ordered_json j;
  j["policy"] = s.policy;
  j["jobs"] = s.jobs;
  j["wait_p50_s"] = round3(s.wait_p50_s);
  j["wait_p95_s"] = round3(s.wait_p95_s);
  j["wait_p99_s"] = round3(s.wait_p99_s);
  j["wait_max_s"] = round3(s.wait_max_s);
  j["wait_mean_s"] = round3(s.wait_mean_s);
  j["instance_hours"] = round3(s.instance_hours);
  j["cost"] = round3(s.cost);
  j["peak_instances"] = s.peak_instances;
  j["provider_calls"] = s.provider_calls;
  j["instances_launched"] = s.launched;
  j["interruptions"] = s.interrupted;
  j["retried_jobs"] = s.retries;
  j["simulated_hours"] = round3(s.span_h);
  j["fingerprint"] = fp;
  return j.dump();
}

std::string FormatTable(const std::vector<Summary>& rows) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %8s %8s %8s %8s %9s %11s %9s %6s %9s\n", "policy", "jobs", "p50 s",
                "p95 s", "p99 s", "max s", "inst-hours", "cost $", "peak", "calls");
  out += line;
  for (const auto& s : rows) {
    std::snprintf(line, sizeof line, "%-14s %8lld %8.1f %8.1f %8.1f %9.1f %11.1f %9.2f %6d %9lld\n",
                  s.policy.c_str(), static_cast<long long>(s.jobs), s.wait_p50_s, s.wait_p95_s, s.wait_p99_s,
                  s.wait_max_s, s.instance_hours, s.cost, s.peak_instances, static_cast<long long>(s.provider_calls));
    out += line;
  }
  return out;
}

}  // namespace sim
