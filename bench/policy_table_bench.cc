// The policy table: all four policies on one trace, waits and instance-hours side by side,
// with docker-machine and taskscaler each run over a dense grid of their own parameters.
//   policy_table_bench --trace FILE.csv [--boot-s 60] [--threads 2] [--grid dense|small|none] [--all-points]
//   policy_table_bench --synthetic-rhythm ...   (a generated two-week workload with office hours)
// Prints each baseline's Pareto front, then the comparison against default:
// the cheapest baseline setting whose p95 wait is as good (1 s floor), and the best p95 a
// baseline reaches at default's cost.
#include <algorithm>
#include <cmath>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/report.h"
#include "sim/rng.h"
#include "sim/simulator.h"

namespace {

struct Point {
  std::string label;
  sim::SimOptions opt;
  sim::Summary s;
  double avg_idle = 0;
};

sim::SimOptions Base(double boot) {
  sim::SimOptions o;
  o.settings.capacity_per_instance = 1;
  o.settings.max_instances = 5000;
  o.provider.boot_median_s = boot;
  o.seed = 1;
  return o;
}

void RunAll(const std::vector<sim::TraceJob>& jobs, std::vector<Point>& pts, int threads) {
  std::atomic<size_t> next{0};
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i) {
    ts.emplace_back([&] {
      for (size_t k; (k = next++) < pts.size();) {
        auto r = sim::RunSimulation(jobs, pts[k].opt);
        if (!r.ok()) {
          std::fprintf(stderr, "%s: %s\n", pts[k].label.c_str(), r.status().ToString().c_str());
          continue;
        }
        pts[k].s = sim::Summarize(*r);
        double idle = 0;  // instances not running a job (idle or booting), time average
        for (const auto& x : r->timeline) idle += x.instances - (x.demand - x.waiting);
        pts[k].avg_idle = r->timeline.empty() ? 0 : idle / static_cast<double>(r->timeline.size());
      }
    });
  }
  for (auto& t : ts) t.join();
}

void Row(const Point& p) {
  std::printf("  %-34s p50 %6.1f  p95 %6.1f  p99 %6.1f  max %7.1f  inst-h %8.1f  cost %8.2f  peak %5d  launched %6lld  idle %5.1f\n",
              p.label.c_str(), p.s.wait_p50_s, p.s.wait_p95_s, p.s.wait_p99_s, p.s.wait_max_s, p.s.instance_hours,
              p.s.cost, p.s.peak_instances, static_cast<long long>(p.s.launched), p.avg_idle);
}

std::vector<const Point*> Front(const std::vector<Point>& pts, const std::string& policy) {
  std::vector<const Point*> v;
  for (const auto& p : pts)
    if (p.opt.policy == policy && p.s.jobs > 0) v.push_back(&p);
  std::sort(v.begin(), v.end(), [](auto a, auto b) { return a->s.instance_hours < b->s.instance_hours; });
  std::vector<const Point*> front;
  double best = 1e300;
  for (auto* p : v) {
    if (p->s.wait_p95_s < best) {
      front.push_back(p);
      best = p->s.wait_p95_s;
    }
  }
  return front;
}

// A workload with a rhythm, two weeks from a Monday 00:00 UTC: office hours (08-18 on
// weekdays) bring 30 pushes an hour, other hours 2; each push fans out into a burst of
// jobs (1 + geometric, mean 16) within 30 s, run times lognormal around 5 minutes; and a
// nightly schedule starts 150 jobs at 02:00.
std::vector<sim::TraceJob> Rhythm(uint64_t seed) {
  sim::Rng rng(seed);
  std::vector<sim::TraceJob> jobs;
  const double end = 14 * 86400.0;
  for (double t = 0; t < end;) {
    double day = std::floor(t / 86400), hour = std::fmod(t / 3600, 24);
    bool office = std::fmod(day, 7) < 5 && hour >= 8 && hour < 18;
    t += rng.Exponential(3600.0 / (office ? 30 : 2));
    int n = 1;
    while (rng.Uniform() > 1.0 / 16) ++n;
    for (int i = 0; i < n; ++i) jobs.push_back({t + rng.Uniform() * 30, 300 * std::exp(0.8 * rng.Normal())});
  }
  for (int d = 0; d < 14; ++d)
    for (int i = 0; i < 150; ++i) jobs.push_back({d * 86400.0 + 2 * 3600 + rng.Uniform() * 60, 600 * std::exp(0.3 * rng.Normal())});
  std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  std::string trace;
  double boot = 60;
  int threads = 2;
  bool dense = true, no_grid = false, all_points = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--trace" && i + 1 < argc) trace = argv[++i];
    else if (a == "--boot-s" && i + 1 < argc) boot = std::atof(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::max(1, std::atoi(argv[++i]));
    else if (a == "--grid" && i + 1 < argc) {
      std::string g = argv[++i];
      dense = g == "dense";
      no_grid = g == "none";
    }
    else if (a == "--all-points") all_points = true;
    else if (a == "--synthetic-rhythm") trace = "synthetic-rhythm";
    else if (a.rfind("--benchmark", 0) == 0) {
    } else {
      std::fprintf(stderr, "usage: %s --trace FILE.csv [--boot-s S] [--threads N] [--grid dense|small|none] [--all-points] [--synthetic-rhythm]\n", argv[0]);
      return 2;
    }
  }
  if (trace.empty()) {
    std::printf("policy_table_bench: no --trace given; nothing to do\n");
    return 0;
  }
  util::Result<std::vector<sim::TraceJob>> jobs = std::vector<sim::TraceJob>{};
  if (trace == "synthetic-rhythm") {
    jobs = Rhythm(11);
  } else {
    std::ifstream f(trace);
    std::stringstream ss;
    ss << f.rdbuf();
    jobs = sim::ParseTraceCsv(ss.str(), trace);
    if (!jobs.ok()) {
      std::fprintf(stderr, "%s\n", jobs.status().message().c_str());
      return 1;
    }
  }
  std::vector<Point> pts;
  for (const char* p : {"default", "clairvoyant"}) {
    Point pt{p, Base(boot), {}};
    pt.opt.policy = p;
    pts.push_back(pt);
  }
  std::vector<int> counts = dense ? std::vector<int>{0, 1, 2, 5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200}
                                  : std::vector<int>{0, 5, 20, 50, 100};
  std::vector<int> minutes = dense ? std::vector<int>{1, 2, 5, 10, 20, 30} : std::vector<int>{1, 10, 30};
  // Each baseline's own knobs: idle count x idle time, and in the dense grid the load-following
  // scale factor (docker-machine: IdleScaleFactor capped by IdleCount; taskscaler: scale_factor
  // on top of idle_count) and taskscaler's preemptive_mode off (take every job at once).
  std::vector<double> factors = dense ? std::vector<double>{0, 0.5} : std::vector<double>{0};
  for (const char* policy : {"docker-machine", "taskscaler"}) {
    if (no_grid) break;
    bool ts = std::strcmp(policy, "taskscaler") == 0;
    for (int c : counts) {
      for (int m : minutes) {
        for (double f : factors) {
          for (int pre = 1; pre >= (ts && dense && c > 0 ? 0 : 1); --pre) {
            if (f > 0 && !ts && c == 0) continue;  // IdleCount caps the factor: nothing to add
            std::string label = std::string(policy) + " idle=" + std::to_string(c) + " t=" + std::to_string(m) + "m";
            if (f > 0) label += " f=" + std::to_string(f).substr(0, 3);
            if (!pre) label += " nopre";
            Point pt{label, Base(boot), {}};
            pt.opt.policy = policy;
            pt.opt.settings.base.idle_count = c;
            pt.opt.settings.base.idle_time = std::chrono::minutes(m);
            pt.opt.settings.base.scale_factor = f;
            if (ts && c > 0) pt.opt.settings.base.preemptive = pre == 1;
            pts.push_back(pt);
          }
        }
      }
    }
  }
  std::printf("trace %s: %zu jobs, boot %.0f s, one job per instance, %zu simulations\n", trace.c_str(),
              jobs->size(), boot, pts.size());
  RunAll(*jobs, pts, threads);
  std::printf("\nours and the lower bound:\n");
  Row(pts[0]);
  Row(pts[1]);
  const auto& def = pts[0].s;
  for (const char* policy : {"docker-machine", "taskscaler"}) {
    if (no_grid) break;
    std::printf("\n%s grid, Pareto front (instance-hours vs p95 wait):\n", policy);
    if (all_points) {
      for (const auto& p : pts)
        if (p.opt.policy == policy) Row(p);
      std::printf("  front:\n");
    }
    auto front = Front(pts, policy);
    for (auto* p : front) Row(*p);
    const Point* cheapest_as_good = nullptr;  // p95 within default's (1 s floor)
    const Point* best_at_cost = nullptr;      // best p95 at <= default's instance-hours
    for (auto* p : front) {
      if (p->s.wait_p95_s <= std::max(def.wait_p95_s, 1.0) && !cheapest_as_good) cheapest_as_good = p;
      if (p->s.instance_hours <= def.instance_hours) best_at_cost = p;
    }
    if (cheapest_as_good)
      std::printf("  cheapest %s with p95 <= max(default p95, 1 s): %s, %.1f inst-h; default uses %.1f (%+.1f%%)\n",
                  policy, cheapest_as_good->label.c_str(), cheapest_as_good->s.instance_hours, def.instance_hours,
                  100.0 * (def.instance_hours / cheapest_as_good->s.instance_hours - 1));
    else
      std::printf("  no %s setting reaches default's p95 %.1f s\n", policy, def.wait_p95_s);
    if (best_at_cost)
      std::printf("  best %s p95 at <= default's instance-hours: %s, p95 %.1f s vs default %.1f s\n", policy,
                  best_at_cost->label.c_str(), best_at_cost->s.wait_p95_s, def.wait_p95_s);
    else
      std::printf("  no %s setting is as cheap as default\n", policy);
  }
  std::printf("\ndefault vs clairvoyant: p95 %.1f s vs %.1f s, instance-hours x%.3f\n", def.wait_p95_s,
              pts[1].s.wait_p95_s, def.instance_hours / pts[1].s.instance_hours);
  return 0;
}
