#pragma once
// sim::Summary: the figures of one simulation, and their JSON and table forms.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/simulator.h"

namespace sim {

struct Summary {
  std::string policy;
  int64_t jobs = 0;
  double wait_p50_s = 0, wait_p95_s = 0, wait_p99_s = 0, wait_max_s = 0, wait_mean_s = 0;
  double instance_hours = 0;
  double cost = 0;
  int peak_instances = 0;
  int64_t provider_calls = 0, launched = 0, interrupted = 0, retries = 0;
  uint64_t fingerprint = 0;
  double span_h = 0;
};

// Nearest-rank percentile of `v` (sorted in place). 0 for an empty vector.
double Percentile(std::vector<double>& v, double p);
Summary Summarize(const SimResult& r);
// One JSON object; the fingerprint as a 16-digit hex string.
std::string ToJson(const Summary& s);
// A fixed-width table, one row per summary, with a header.
std::string FormatTable(const std::vector<Summary>& rows);

}  // namespace sim
