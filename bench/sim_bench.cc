// Simulator speed: jobs simulated per second of real time, per policy, on a synthetic
// workload with a daily rhythm (or on --trace FILE.csv). Prints ratios against the
// taskscaler baseline of the same run.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/report.h"
#include "sim/rng.h"
#include "sim/simulator.h"

namespace {

std::vector<sim::TraceJob> Synthetic(int n) {
  sim::Rng rng(9);
  std::vector<sim::TraceJob> jobs;
  double t = 0;
  for (int i = 0; i < n; ++i) {
    double hour = std::fmod(t / 3600, 24);
    double mean_gap = hour >= 8 && hour < 18 ? 2.0 : 12.0;
    t += rng.Exponential(mean_gap);
    jobs.push_back({t, 60 + rng.Exponential(900)});
  }
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<sim::TraceJob> jobs;
  std::string source = "synthetic 100000 jobs";
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--trace") == 0 && i + 1 < argc) {
      std::ifstream f(argv[++i]);
      std::stringstream ss;
      ss << f.rdbuf();
      auto t = sim::ParseTraceCsv(ss.str(), argv[i]);
      if (!t.ok()) {
        std::fprintf(stderr, "%s\n", t.status().message().c_str());
        return 1;
      }
      jobs = std::move(*t);
      source = argv[i];
    }
  }
  if (jobs.empty()) jobs = Synthetic(100000);
  std::printf("simulator speed on %s (boot 60 s, one job per instance)\n", source.c_str());
  double base = 0;
  for (const char* p : {"taskscaler", "docker-machine", "default", "clairvoyant"}) {
    sim::SimOptions o;
    o.policy = p;
    o.settings.max_instances = 5000;
    auto t0 = std::chrono::steady_clock::now();
    auto r = sim::RunSimulation(jobs, o);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!r.ok()) {
      std::fprintf(stderr, "%s: %s\n", p, r.status().ToString().c_str());
      return 1;
    }
    double rate = static_cast<double>(jobs.size()) / s;
    if (base == 0) base = rate;
    std::printf("  %-15s %8.2f s  %10.0f jobs/s  x%.2f vs taskscaler  (%lld ticks, %.0f simulated h)\n", p, s, rate,
                rate / base, static_cast<long long>(r->ticks), r->span_s / 3600);
  }
  return 0;
}
