#include "sim/simulator.h"

#include <gtest/gtest.h>

#include "sim/event_queue.h"
#include "sim/report.h"
#include "sim/trace.h"
#include "util/testing/test_util.h"

namespace sim {
namespace {

std::vector<TraceJob> Workload(uint64_t seed, int n) {
  Rng rng(seed);
  std::vector<TraceJob> jobs;
  double t = 0;
  for (int i = 0; i < n; ++i) {
    t += rng.Exponential(i % 200 < 100 ? 5 : 60);  // bursts and lulls
    jobs.push_back({t, 30 + rng.Exponential(300)});
  }
  return jobs;
}

SimOptions Options(const std::string& policy) {
  SimOptions o;
  o.policy = policy;
  o.settings.max_instances = 200;
  o.provider.interruptions_per_hour = 0.05;
  o.provider.partial_grant_rate = 0.1;
  o.provider.fail_rate = 0.05;
  o.provider.list_delay_s = 3;
  o.seed = 42;
  return o;
}

TEST(EventQueueTest, EqualTimesKeepInsertionOrder) {
  EventQueue<int> q;
  util::Time t{std::chrono::seconds(5)};
  q.Push(t, 1);
  q.Push(t - std::chrono::seconds(1), 0);
  q.Push(t, 2);
  q.Push(t, 3);
  std::vector<int> got;
  while (!q.empty()) got.push_back(q.Pop().payload);
  EXPECT_EQ(got, (std::vector<int>{0, 1, 2, 3}));
}

TEST(SimulatorTest, SameSeedSameFingerprint) {
  auto jobs = Workload(7, 2000);
  for (const char* p : {"default", "docker-machine", "taskscaler", "clairvoyant"}) {
    auto a = RunSimulation(jobs, Options(p));
    auto b = RunSimulation(jobs, Options(p));
    ASSERT_OK(a);
    ASSERT_OK(b);
    EXPECT_EQ(a->fingerprint, b->fingerprint) << p;
    EXPECT_EQ(a->waits_s, b->waits_s) << p;
    SimOptions other = Options(p);
    other.seed = 43;
    auto c = RunSimulation(jobs, other);
    ASSERT_OK(c);
    EXPECT_NE(a->fingerprint, c->fingerprint) << p;
  }
}

TEST(SimulatorTest, EveryJobRunsUnderChaosAndNothingLeaks) {
  auto jobs = Workload(3, 3000);
  for (const char* p : {"default", "docker-machine", "taskscaler", "clairvoyant"}) {
    SimOptions o = Options(p);
    o.provider.interruptions_per_hour = 0.5;
    auto r = RunSimulation(jobs, o);
    ASSERT_OK(r);
    Summary s = Summarize(*r);
    EXPECT_EQ(s.jobs, 3000) << p;
    EXPECT_LE(s.peak_instances, 200) << p;
    EXPECT_GT(s.interrupted, 0) << p;
  }
}

TEST(SimulatorTest, ClairvoyantIsAtLeastAsGoodAsReactive) {
  auto jobs = Workload(11, 3000);
  SimOptions o;
  o.settings.max_instances = 1000;
  o.provider.boot_sigma = 0;
  o.policy = "clairvoyant";
  auto c = RunSimulation(jobs, o);
  o.policy = "taskscaler";
  auto t = RunSimulation(jobs, o);
  ASSERT_OK(c);
  ASSERT_OK(t);
  EXPECT_LT(Summarize(*c).wait_p95_s, Summarize(*t).wait_p95_s);
}

TEST(SimulatorTest, JsonHasTheAgreedKeys) {
  auto r = RunSimulation(Workload(1, 100), Options("default"));
  ASSERT_OK(r);
  std::string j = ToJson(Summarize(*r));
  for (const char* k : {"\"jobs\":100", "wait_p50_s", "wait_p95_s", "wait_p99_s", "wait_max_s", "instance_hours",
                        "\"cost\"", "peak_instances", "provider_calls", "fingerprint"})
    EXPECT_NE(j.find(k), std::string::npos) << k << " in " << j;
}

TEST(SimulatorTest, UnknownPolicyIsAnError) {
  EXPECT_EQ(RunSimulation(Workload(1, 10), Options("magic")).status().message(),
            "unknown policy \"magic\" (want default, docker-machine or taskscaler)");
}

TEST(TraceTest, ParsesAndNamesBadLines) {
  auto t = ParseTraceCsv("id,arrival_s,run_s\na,100,5\nb,90,7\n", "t.csv");
  ASSERT_OK(t);
  ASSERT_EQ(t->size(), 2u);
  EXPECT_EQ((*t)[0].arrival_s, 0);  // sorted, origin at the first arrival
  EXPECT_EQ((*t)[0].run_s, 7);
  EXPECT_EQ((*t)[1].arrival_s, 10);
  EXPECT_EQ(ParseTraceCsv("arrival_s,run_s\n1,2\n3,x\n", "t.csv").status().message(),
            "t.csv:3: run_s \"x\" is not a non-negative number");
  EXPECT_EQ(ParseTraceCsv("arrival_s,run_s\n1\n", "t.csv").status().message(), "t.csv:2: want 2 columns, got 1");
  EXPECT_EQ(ParseTraceCsv("a,b\n1,2\n", "t.csv").status().message(),
            "t.csv:1: header needs the columns arrival_s and run_s");
  EXPECT_EQ(ParseTraceCsv("arrival_s,run_s\n", "t.csv").status().message(), "t.csv: no job rows");
  EXPECT_EQ(ParseTraceCsv("arrival_s,run_s\n1,-2\n", "t.csv").status().message(),
            "t.csv:2: run_s \"-2\" is not a non-negative number");
}

}  // namespace
}  // namespace sim
