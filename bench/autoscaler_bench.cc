// Autoscaler decision cost: one Tick (plus a job release and a job enqueue) on fleets of
// 1,000 and 10,000 instances, for each policy (Google Benchmark).
#include <benchmark/benchmark.h>

#include "fleet/autoscaler.h"
#include "fleet/fake_provider.h"

namespace {

void BM_Tick(benchmark::State& state, fleet::PolicyKind kind) {
  const int n = static_cast<int>(state.range(0));
  util::ManualClock clock(util::Time(std::chrono::seconds(1704067200)));
  fleet::FakeProvider cloud;
  fleet::AutoscalerSettings s;
  s.max_instances = n + 100;
  s.base.idle_count = n / 20;
  s.base.preemptive = false;
  fleet::Autoscaler a(clock, s, fleet::MakePolicy(kind));
  // Fill the fleet: n jobs running on n instances, plus the idle pool. docker-machine with
  // IdleCount > 0 grows only by its idle target per round: bounded rounds until all run.
  for (fleet::JobId j = 0; j < n; ++j) a.Enqueue(j);
  for (int round = 0; round < 400 && a.leased_jobs() < n; ++round) {
    a.Apply(a.Tick(), cloud);
    cloud.BootAll();
    a.Sync(*cloud.List());
  }
  a.Tick();
  if (a.leased_jobs() < n) state.SkipWithError("fleet did not fill");
  fleet::JobId next = n;
  fleet::JobId oldest = 0;
  for (auto _ : state) {
    clock.Advance(std::chrono::seconds(1));
    a.Release(oldest++);
    a.Enqueue(next++);
    fleet::Decisions d = a.Tick();
    benchmark::DoNotOptimize(d);
  }
  state.counters["instances"] = static_cast<double>(a.instances().size());
}

}  // namespace

BENCHMARK_CAPTURE(BM_Tick, default, fleet::PolicyKind::kDefault)->Arg(1000)->Arg(10000);
BENCHMARK_CAPTURE(BM_Tick, docker_machine, fleet::PolicyKind::kDockerMachine)->Arg(1000)->Arg(10000);
BENCHMARK_CAPTURE(BM_Tick, taskscaler, fleet::PolicyKind::kTaskscaler)->Arg(1000)->Arg(10000);

BENCHMARK_MAIN();
