// The policy table: all four policies on one trace, waits and instance-hours side by side,
// with docker-machine and taskscaler each run over a dense grid of their own parameters.
//   policy_table_bench --trace FILE.csv [--boot-s 60] [--threads 2] [--grid dense|small|none] [--all-points]
//   policy_table_bench --synthetic-rhythm [--shape office|pipeline] [--seed N] ...
//     (a generated two-week workload with a rhythm; see Rhythm() and Pipelines())
//   --breakdown prints, for default and clairvoyant, where the instance-hours go (busy, idle)
//   and, per hour of day, idle instance-hours and jobs that waited; --explain FILE writes
//   default's decision log (one line per decision, with its reason).
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
  std::vector<sim::TimelineSample> timeline;  // kept for the breakdown
  std::vector<double> waits;
};

sim::SimOptions Base(double boot) {
  sim::SimOptions o;
  o.settings.capacity_per_instance = 1;
  o.settings.max_instances = 5000;
  o.provider.boot_median_s = boot;
  o.seed = 1;
  return o;
}

void RunAll(const std::vector<sim::TraceJob>& jobs, std::vector<Point>& pts, int threads, bool keep_detail) {
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
        if (keep_detail && k < 2) {
          pts[k].timeline = std::move(r->timeline);
          pts[k].waits = std::move(r->waits_s);
        }
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

// Where the instance-hours of `p` go: busy (running jobs) vs the rest (booting, idle,
// billing minimum), and per hour of day (UTC) the idle instance-hours (from the timeline)
// and the jobs that waited more than 1 s / more than 30 s.
void Breakdown(const std::vector<sim::TraceJob>& jobs, const Point& p) {
  double busy_s = 0;
  for (const auto& j : jobs) busy_s += std::max(j.run_s, 0.0);
  const double total_h = p.s.instance_hours, busy_h = busy_s / 3600;
  std::printf("  %s: %.1f inst-h = %.1f busy + %.1f idle or booting (%.0f%%)\n", p.label.c_str(), total_h, busy_h,
              total_h - busy_h, 100 * (total_h - busy_h) / std::max(total_h, 1e-9));
  std::vector<double> idle_h(24, 0);
  std::vector<int> waited(24, 0), waited30(24, 0), arrived(24, 0);
  const double dt_h = p.opt.sample_s / 3600;
  for (const auto& x : p.timeline) {
    auto hour = static_cast<size_t>(std::fmod(x.t_s / 3600, 24));
    idle_h[hour] += std::max(0, x.instances - (x.demand - x.waiting)) * dt_h;
  }
  for (size_t i = 0; i < jobs.size() && i < p.waits.size(); ++i) {
    auto hour = static_cast<size_t>(std::fmod(jobs[i].arrival_s / 3600, 24));
    ++arrived[hour];
    if (p.waits[i] > 1) ++waited[hour];
    if (p.waits[i] > 30) ++waited30[hour];
  }
  std::printf("    hour  idle-inst-h  jobs  waited>1s  waited>30s\n");
  for (size_t h = 0; h < 24; ++h)
    std::printf("    %02zu    %10.1f  %5d  %9d  %10d\n", h, idle_h[h], arrived[h], waited[h], waited30[h]);
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

// A second rhythm of another shape, for checking a policy on what it was not developed
// on: two weeks of pipelines from a team in another time zone (07-16 UTC on weekdays,
// 20 pipelines an hour, a lunch dip to 8 at 11-12; 1 an hour otherwise). Each pipeline
// has three stages (1 + Poisson 3, 1 + Poisson 8, 1 + Poisson 2 jobs); a stage's jobs
// arrive within 5 s of each other once the previous stage's last job has finished; run
// times lognormal around 3 minutes. Scheduled: 60 jobs at 22:30 on weekdays, 250 jobs at
// 04:00 on Saturdays.
std::vector<sim::TraceJob> Pipelines(uint64_t seed) {
  sim::Rng rng(seed);
  auto poisson = [&](double mean) {
    int k = 0;
    for (double p = std::exp(-mean), u = rng.Uniform(), f = p; u > f && k < 1000; f += p) p *= mean / ++k;
    return k;
  };
  std::vector<sim::TraceJob> jobs;
  const double end = 14 * 86400.0;
  for (double t = 0; t < end;) {
    double day = std::floor(t / 86400), hour = std::fmod(t / 3600, 24);
    bool work = std::fmod(day, 7) < 5 && hour >= 7 && hour < 16;
    double per_hour = !work ? 1 : (hour >= 11 && hour < 12 ? 8 : 20);
    t += rng.Exponential(3600.0 / per_hour);
    double stage_at = t;
    for (double mean : {3.0, 8.0, 2.0}) {
      int n = 1 + poisson(mean);
      double last_end = stage_at;
      for (int i = 0; i < n; ++i) {
        double a = stage_at + rng.Uniform() * 5, run = 180 * std::exp(0.7 * rng.Normal());
        jobs.push_back({a, run});
        last_end = std::max(last_end, a + run);
      }
      stage_at = last_end + 2;
    }
  }
  for (int d = 0; d < 14; ++d) {
    if (d % 7 < 5)
      for (int i = 0; i < 60; ++i) jobs.push_back({d * 86400.0 + 22.5 * 3600 + rng.Uniform() * 20, 400 * std::exp(0.4 * rng.Normal())});
    if (d % 7 == 5)
      for (int i = 0; i < 250; ++i) jobs.push_back({d * 86400.0 + 4 * 3600 + rng.Uniform() * 120, 900 * std::exp(0.5 * rng.Normal())});
  }
  std::sort(jobs.begin(), jobs.end(), [](const auto& a, const auto& b) { return a.arrival_s < b.arrival_s; });
  return jobs;
}

}  // namespace

int main(int argc, char** argv) {
  std::string trace;
  double boot = 60;
  int threads = 2;
  bool dense = true, no_grid = false, all_points = false, breakdown = false;
  uint64_t seed = 11;
  std::string explain_path;  // default's decision log, one line per decision
  std::string shape = "office";
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
    else if (a == "--breakdown") breakdown = true;
    else if (a == "--explain" && i + 1 < argc) explain_path = argv[++i];
    else if (a == "--seed" && i + 1 < argc) seed = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--shape" && i + 1 < argc) shape = argv[++i];
    else if (a == "--synthetic-rhythm") trace = "synthetic-rhythm";
    else if (a.rfind("--benchmark", 0) == 0) {
    } else {
      std::fprintf(stderr, "usage: %s --trace FILE.csv [--boot-s S] [--threads N] [--grid dense|small|none] [--all-points] [--breakdown] [--explain FILE] [--synthetic-rhythm [--shape office|pipeline] [--seed N]]\n", argv[0]);
      return 2;
    }
  }
  if (trace.empty()) {
    std::printf("policy_table_bench: no --trace given; nothing to do\n");
    return 0;
  }
  util::Result<std::vector<sim::TraceJob>> jobs = std::vector<sim::TraceJob>{};
  if (trace == "synthetic-rhythm") {
    if (shape != "office" && shape != "pipeline") {
      std::fprintf(stderr, "--shape %s: expected office or pipeline\n", shape.c_str());
      return 2;
    }
    jobs = shape == "office" ? Rhythm(seed) : Pipelines(seed);
    trace += " shape=" + shape + " seed=" + std::to_string(seed);
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
  std::FILE* explain = explain_path.empty() ? nullptr : std::fopen(explain_path.c_str(), "w");
  if (!explain_path.empty() && !explain) {
    std::fprintf(stderr, "--explain %s: cannot write\n", explain_path.c_str());
    return 1;
  }
  if (explain)
    pts[0].opt.explain = [explain](double t, const std::string& line) { std::fprintf(explain, "%.0f %s\n", t, line.c_str()); };
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
  RunAll(*jobs, pts, threads, breakdown);
  if (explain) std::fclose(explain);
  std::printf("\nours and the lower bound:\n");
  Row(pts[0]);
  Row(pts[1]);
  if (breakdown) {
    Breakdown(*jobs, pts[0]);
    Breakdown(*jobs, pts[1]);
  }
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
