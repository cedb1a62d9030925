// FleetRunner on a recording fake provider and connections that run commands on this host.
#include "manager/fleet_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <functional>
#include <thread>

#include "cloud/dead_man_switch.h"

#include "executor/instance/local_test_connection.h"
#include "fleet/fake_provider.h"
#include "util/testing/test_util.h"

namespace manager {
namespace {

using namespace std::chrono_literals;

// The fake provider behind a mutex (the fleet calls it from its worker thread while the
// test moves instances), with deletes that finish at once and an optional hang.
class LockedProvider final : public cloud::Provider {
 public:
  std::mutex mu;
  fleet::FakeProvider fake;
  std::atomic<bool> hang_increase{false};
  std::atomic<bool> boot_on_increase{true};
  std::atomic<int> decreases_before_deleted{1};  // deletes finish at the Nth removal request
  std::atomic<bool> refuse_decrease{false};  // Decrease fails (a provider that cannot remove)

  util::Result<std::vector<cloud::InstanceInfo>> List() override {
    std::lock_guard<std::mutex> l(mu);
    return fake.List();
  }
  util::Result<int> Increase(int n) override {
    {
      std::lock_guard<std::mutex> l(mu);
      fake.calls.push_back("increase " + std::to_string(n));
    }
    for (int i = 0; i < 200 && hang_increase; ++i) std::this_thread::sleep_for(20ms);
    std::lock_guard<std::mutex> l(mu);
    fake.calls.pop_back();
    auto r = fake.Increase(n);
    if (boot_on_increase) fake.BootAll();
    return r;
  }
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override {
    std::lock_guard<std::mutex> l(mu);
    if (refuse_decrease) return util::Status::PermissionDenied("fake: not allowed to terminate");
    auto r = fake.Decrease(ids);
    if (--decreases_before_deleted <= 0) fake.FinishDeletes();
    return r;
  }
  util::Result<cloud::ConnectInfo> Connect(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu);
    return fake.Connect(id);
  }
  std::vector<cloud::ProviderEvent> TakeEvents() override {
    std::lock_guard<std::mutex> l(mu);
    return fake.TakeEvents();
  }
  // An instance probe when probe_command is set: output "notice" is an interruption
  // notice for instance `notice_for`.
  std::string probe_command;
  std::atomic<int> probes{0};
  std::string notice_for;  // guarded by mu
  std::string InstanceProbeCommand() const override { return probe_command; }
  bool OnInstanceProbe(const std::string& id, const std::string& output, util::Time now) override {
    ++probes;
    std::lock_guard<std::mutex> l(mu);
    if (output.find("notice") == std::string::npos || id != notice_for) return false;
    for (const auto& e : fake.events)
      if (e.id == id) return false;
    fake.events.push_back({cloud::ProviderEvent::Kind::kInterruptionNotice, id, now, now + 2min});
    return true;
  }
  std::vector<std::string> Calls() {
    std::lock_guard<std::mutex> l(mu);
    return fake.calls;
  }
  size_t Live() {
    std::lock_guard<std::mutex> l(mu);
    return fake.live.size();
  }
};

fleet::AutoscalerSettings OneInstance() {
  fleet::AutoscalerSettings s;
  s.max_instances = 1;
  return s;
}

class FleetRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { provider_ = std::make_shared<LockedProvider>(); }

  // One instance at most, so ids are predictable. The call timeout is generous: a loaded
  // machine (sanitizers, parallel tests) must not turn a slow answer into a failure.
  std::unique_ptr<FleetRunner> Make(fleet::AutoscalerSettings s = OneInstance(),
                                    util::Duration call_timeout = std::chrono::seconds(3),
                                    std::chrono::seconds dead_man = std::chrono::seconds(0)) {
    FleetOptions o;
    o.name = "fleet-test";
    o.short_token = "tok";
    o.settings = s;
    o.provider = provider_;
    o.tick = 50ms;
    o.call_timeout = call_timeout;
    o.health_interval = 100ms;
    o.notice_interval = 100ms;
    o.shutdown_timeout = 5s;
    o.dead_man_timeout = dead_man;
    o.engine_socket = engine_socket_;
    o.engine_timeout = engine_timeout_;
    o.connect = [this](const cloud::ConnectInfo& info) -> util::Result<std::shared_ptr<connect::Connection>> {
      auto c = std::make_shared<executor::testing::LocalTestConnection>();
      std::lock_guard<std::mutex> l(conns_mu_);
      if (impostors_.count(info.id)) {  // what connect::DialSsh answers for another host key
        return util::Status::PermissionDenied("ssh root@10.0.0.2:22: host key mismatch: the server presented "
                                              "SHA256:aaa, the instance was given SHA256:bbb; refusing it");
      }
      conns_[info.id] = c;
      return std::shared_ptr<connect::Connection>(c);
    };
    return std::make_unique<FleetRunner>(std::move(o), util::SystemClock::Get());
  }

  std::shared_ptr<LockedProvider> provider_;
  std::mutex conns_mu_;
  std::map<std::string, std::shared_ptr<executor::testing::LocalTestConnection>> conns_;
  std::set<std::string> impostors_;  // ids whose SSH handshake shows another host key
  std::string engine_socket_;        // "" = no Engine needed
  util::Duration engine_timeout_ = std::chrono::minutes(10);
};

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST_F(FleetRunnerTest, JobGetsLeaseOnReadyInstanceAndShutdownRemovesIt) {
  auto f = Make();
  f->Start();
  EXPECT_TRUE(f->MayRequestJob());
  util::CancelToken interrupt;
  auto grant = f->Acquire(1, interrupt);
  ASSERT_OK(grant);
  EXPECT_EQ(grant->instance, "f-001");
  ASSERT_TRUE(grant->conn);
  std::string out;
  util::CancelToken c;
  auto rc = grant->conn->Exec("echo on-instance", "", [&](std::string_view s) { out.append(s); }, c);
  ASSERT_OK(rc);
  EXPECT_EQ(out, "on-instance\n");
  EXPECT_EQ(f->Snapshot().busy, 1);
  f->Release(1);
  f->Shutdown();
  auto calls = provider_->Calls();
  EXPECT_TRUE(Contains(calls, "increase 1")) << ::testing::PrintToString(calls);
  EXPECT_TRUE(Contains(calls, "decrease f-001")) << ::testing::PrintToString(calls);
  EXPECT_EQ(provider_->Live(), 0u);
}

// No trust on first use: an instance that shows another host key than the one it was
// given is never used; it is removed and another one takes the job.
TEST_F(FleetRunnerTest, HostKeyMismatchReplacesTheInstance) {
  impostors_.insert("f-001");
  fleet::AutoscalerSettings settings = OneInstance();
  settings.backoff_initial = 100ms;  // a refused instance counts as a failed launch
  auto f = Make(settings);
  f->Start();
  util::CancelToken interrupt;
  auto grant = f->Acquire(1, interrupt);
  ASSERT_OK(grant);
  EXPECT_EQ(grant->instance, "f-002");
  auto calls = provider_->Calls();
  EXPECT_TRUE(Contains(calls, "decrease f-001")) << ::testing::PrintToString(calls);
  f->Release(1);
  f->Shutdown();
}

// A job whose cleanup could not run releases its lease as suspect: the instance takes no
// more jobs and is removed (manager/job_launcher.cc).
TEST_F(FleetRunnerTest, SuspectReleaseRemovesTheInstance) {
  auto f = Make();
  f->Start();
  util::CancelToken interrupt;
  auto grant = f->Acquire(1, interrupt);
  ASSERT_OK(grant);
  EXPECT_EQ(grant->instance, "f-001");
  f->Release(1, true);
  auto second = f->Acquire(2, interrupt);
  ASSERT_OK(second);
  EXPECT_EQ(second->instance, "f-002");
  auto calls = provider_->Calls();
  EXPECT_TRUE(Contains(calls, "decrease f-001")) << ::testing::PrintToString(calls);
  f->Release(2);
  f->Shutdown();
}

TEST_F(FleetRunnerTest, InstanceThatDisappearsSeversTheJobsConnection) {
  auto f = Make();
  f->Start();
  util::CancelToken interrupt;
  auto grant = f->Acquire(7, interrupt);
  ASSERT_OK(grant);
  std::atomic<bool> started{false};
  std::thread vanish([&] {
    while (!started) std::this_thread::sleep_for(10ms);
    std::lock_guard<std::mutex> l(provider_->mu);
    provider_->fake.live.erase("f-001");
  });
  util::CancelToken c;
  auto t0 = std::chrono::steady_clock::now();
  auto rc = grant->conn->Exec("echo up; sleep 30", "", [&](std::string_view) { started = true; }, c);
  vanish.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.status().code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(rc.status().message(), "lost the instance: instance f-001 disappeared");
  EXPECT_TRUE(grant->lost->cancelled());
  EXPECT_EQ(grant->conn->Ping().code(), util::Status::Code::kUnavailable);
  f->Release(7);
  // The next job still runs, on a new instance.
  auto next = f->Acquire(8, interrupt);
  ASSERT_OK(next);
  EXPECT_EQ(next->instance, "f-002");
  f->Release(8);
}

TEST_F(FleetRunnerTest, InstanceProbeNoticeDrainsTheInstanceAtOnce) {
  testutil::TempDir dir;
  const std::string flag = (dir.path() / "notice").string();
  provider_->probe_command = "cat " + flag + " 2>/dev/null; true";
  fleet::AutoscalerSettings s;
  s.max_instances = 2;
  s.capacity_per_instance = 2;  // without the notice, a second job would share f-001
  auto f = Make(s);
  f->Start();
  util::CancelToken interrupt;
  auto first = f->Acquire(1, interrupt);
  ASSERT_OK(first);
  {
    std::lock_guard<std::mutex> l(provider_->mu);
    provider_->notice_for = first->instance;
  }
  std::ofstream(flag) << "notice\n";
  for (int i = 0; i < 100 && f->Snapshot().draining == 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(f->Snapshot().draining, 1);
  EXPECT_FALSE(first->lost->cancelled());  // the running job keeps its instance until it goes
  auto second = f->Acquire(2, interrupt);
  ASSERT_OK(second);
  EXPECT_NE(second->instance, first->instance);
  // The probe runs on each ready instance (one here: the noticed one is not probed again)
  // at most every notice interval (100 ms), on the prober's rounds (500 ms).
  int before = provider_->probes;
  std::this_thread::sleep_for(1500ms);
  EXPECT_GE(provider_->probes - before, 1);
  EXPECT_LE(provider_->probes - before, 16);
  f->Release(1);
  f->Release(2);
}

TEST_F(FleetRunnerTest, LeftoversOfAnEarlierRunAreRemoved) {
  {
    std::lock_guard<std::mutex> l(provider_->mu);
    provider_->fake.live["old-1"] = {"old-1", cloud::InstanceState::kRunning, {}};
  }
  auto f = Make();
  f->Start();
  for (int i = 0; i < 100 && provider_->Live() > 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(provider_->Live(), 0u);
  EXPECT_TRUE(Contains(provider_->Calls(), "decrease old-1")) << ::testing::PrintToString(provider_->Calls());
}

TEST_F(FleetRunnerTest, HangingProviderTimesOutWithoutRunawayCreation) {
  provider_->hang_increase = true;
  fleet::AutoscalerSettings s = OneInstance();
  s.acquire_timeout = 1500ms;
  auto f = Make(s, 300ms);
  f->Start();
  util::CancelToken interrupt;
  auto t0 = std::chrono::steady_clock::now();
  auto grant = f->Acquire(3, interrupt);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  ASSERT_FALSE(grant.ok());
  EXPECT_EQ(grant.status().code(), util::Status::Code::kResourceExhausted);
  EXPECT_EQ(grant.status().message(), "no instance within acquire timeout 1s");
  int increases = 0;
  for (const auto& c : provider_->Calls()) increases += c.rfind("increase", 0) == 0;
  EXPECT_EQ(increases, 1) << ::testing::PrintToString(provider_->Calls());
  provider_->hang_increase = false;
}

TEST_F(FleetRunnerTest, InterruptEndsTheWaitAndMetricsShowTheFleet) {
  provider_->boot_on_increase = false;  // instances never boot
  metrics::Registry reg;
  metrics::RunnerMetrics m(reg);
  FleetOptions o;
  o.name = "fleet-m";
  o.short_token = "tok";
  o.provider = provider_;
  o.settings = OneInstance();
  o.tick = 50ms;
  o.metrics = &m;
  o.connect = [](const cloud::ConnectInfo&) -> util::Result<std::shared_ptr<connect::Connection>> {
    return util::Status::Unavailable("no ssh");
  };
  FleetRunner f(std::move(o), util::SystemClock::Get());
  f.Start();
  util::CancelToken interrupt;
  std::thread stopper([&] {
    std::this_thread::sleep_for(400ms);
    interrupt.Cancel("runner is shutting down");
  });
  auto grant = f.Acquire(5, interrupt);
  stopper.join();
  EXPECT_EQ(grant.status().code(), util::Status::Code::kCancelled);
  std::string text = reg.Render();
  EXPECT_NE(text.find("spotrunner_fleet_instances{runner=\"tok\",fleet=\"fleet-m\",state=\"booting\"} 1\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("spotrunner_fleet_creations_total{runner=\"tok\",fleet=\"fleet-m\"} 1\n"), std::string::npos) << text;
  f.Shutdown();
  EXPECT_EQ(provider_->Live(), 0u);
  EXPECT_NE(reg.Render().find("spotrunner_fleet_removals_total{runner=\"tok\",fleet=\"fleet-m\",reason=\"shutdown\"} 1\n"),
            std::string::npos) << reg.Render();
}

TEST_F(FleetRunnerTest, ShutdownCountsARemovalItSendsAgainOnce) {
  provider_->decreases_before_deleted = 2;  // still deleting after the first request: sent again
  metrics::Registry reg;
  metrics::RunnerMetrics m(reg);
  FleetOptions o;
  o.name = "fleet-s";
  o.short_token = "tok";
  o.provider = provider_;
  o.settings = OneInstance();
  o.settings.base.idle_count = 1;  // one instance, launched at once
  o.tick = 50ms;
  o.metrics = &m;
  o.connect = [](const cloud::ConnectInfo&) -> util::Result<std::shared_ptr<connect::Connection>> {
    return util::Status::Unavailable("no ssh");
  };
  FleetRunner f(std::move(o), util::SystemClock::Get());
  f.Start();
  for (int i = 0; i < 100 && provider_->Live() == 0; ++i) std::this_thread::sleep_for(20ms);
  ASSERT_EQ(provider_->Live(), 1u);
  f.Shutdown();
  EXPECT_EQ(provider_->Live(), 0u);
  int decreases = 0;
  for (const auto& c : provider_->Calls()) decreases += c.rfind("decrease ", 0) == 0;
  EXPECT_EQ(decreases, 2);
  EXPECT_NE(reg.Render().find("spotrunner_fleet_removals_total{runner=\"tok\",fleet=\"fleet-s\",reason=\"shutdown\"} 1\n"),
            std::string::npos) << reg.Render();
}

// A stopped instance serves nothing but is still ours: it is removed (and replaced).
TEST_F(FleetRunnerTest, StoppedInstanceIsRemovedNotTreatedAsGone) {
  fleet::AutoscalerSettings s = OneInstance();
  s.base.idle_count = 1;
  s.base.idle_time = std::chrono::minutes(20);
  auto f = Make(s);
  f->Start();
  ASSERT_TRUE(WaitFor([&] { return f->Snapshot().idle == 1; }, 10s));
  {
    std::lock_guard<std::mutex> l(provider_->mu);
    provider_->fake.live.at("f-001").state = cloud::InstanceState::kStopped;
  }
  EXPECT_TRUE(WaitFor([&] { return Contains(provider_->Calls(), "decrease f-001"); }, 10s))
      << ::testing::PrintToString(provider_->Calls());
  // Capacity comes back on a fresh instance.
  EXPECT_TRUE(WaitFor([&] { return f->Snapshot().idle == 1 && provider_->Live() == 1; }, 10s));
  f->Shutdown();
  EXPECT_EQ(provider_->Live(), 0u);
}

// The dead-man switch's heartbeat reaches every ready instance over its connection (the
// test's connections run commands on this host, where the environment names the file).
TEST_F(FleetRunnerTest, HeartbeatGoesToReadyInstances) {
  testutil::TempDir dir;
  const std::string file = (dir.path() / "heartbeat").string();
  setenv(cloud::kHeartbeatFileEnv, file.c_str(), 1);
  fleet::AutoscalerSettings s = OneInstance();
  s.base.idle_count = 1;
  s.base.idle_time = std::chrono::minutes(20);
  auto f = Make(s, std::chrono::seconds(3), std::chrono::seconds(4));  // every second
  f->Start();
  EXPECT_TRUE(WaitFor([&] { return std::filesystem::exists(file); }, 10s));
  auto first = std::filesystem::last_write_time(file);
  std::this_thread::sleep_for(2500ms);
  EXPECT_GT(std::filesystem::last_write_time(file), first);
  f->Shutdown();
  unsetenv(cloud::kHeartbeatFileEnv);
}

// An instance that answers SSH while its Engine is still being installed hears from its
// manager too: a slow install must not let the dead-man switch power it off.
TEST_F(FleetRunnerTest, HeartbeatReachesAnInstanceWaitingForItsEngine) {
  testutil::TempDir dir;
  const std::string file = (dir.path() / "heartbeat").string();
  setenv(cloud::kHeartbeatFileEnv, file.c_str(), 1);
  engine_socket_ = (dir.path() / "not-yet.sock").string();
  fleet::AutoscalerSettings s = OneInstance();
  s.base.idle_count = 1;
  s.base.idle_time = std::chrono::minutes(20);
  auto f = Make(s, std::chrono::seconds(3), std::chrono::seconds(4));
  f->Start();
  EXPECT_TRUE(WaitFor([&] { return std::filesystem::exists(file); }, 10s));
  EXPECT_EQ(f->Snapshot().booting, 1);
  f->Shutdown();
  unsetenv(cloud::kHeartbeatFileEnv);
}

// A provider that refuses every removal: Shutdown ends within its budget and says so.
TEST_F(FleetRunnerTest, ShutdownThatCannotRemoveEndsWithinItsBudgetAndSaysSo) {
  fleet::AutoscalerSettings s = OneInstance();
  s.base.idle_count = 1;
  s.base.idle_time = std::chrono::minutes(20);
  auto f = Make(s);
  f->Start();
  ASSERT_TRUE(WaitFor([&] { return f->Snapshot().idle == 1; }, 10s));
  provider_->refuse_decrease = true;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(f->Shutdown());
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, 4s);  // the whole budget was tried (5 s)
  EXPECT_LT(took, 10s);
  EXPECT_FALSE(f->Shutdown());  // idempotent
  EXPECT_EQ(provider_->Live(), 1u);
  provider_->refuse_decrease = false;
  std::lock_guard<std::mutex> l(provider_->mu);
  provider_->fake.live.clear();
}

// A docker executor's instance is ready only when its Engine answers through the
// connection: while the socket is missing (a stock image still installing the Engine) the
// job waits; once the real Engine (scripts/services.sh) answers there, the job gets it.
TEST_F(FleetRunnerTest, DockerInstanceIsReadyOnlyWhenItsEngineAnswers) {
  testutil::TempDir dir;
  engine_socket_ = (dir.path() / "docker.sock").string();
  auto f = Make();
  f->Start();
  util::CancelToken interrupt;
  util::Result<LeaseGrant> grant = util::Status::Internal("not yet");
  std::atomic<bool> done{false};
  std::thread job([&] {
    grant = f->Acquire(1, interrupt);
    done = true;
  });
  // The instance answers SSH (its connection was opened) but not with an Engine.
  ASSERT_TRUE(WaitFor([&] { std::lock_guard<std::mutex> l(conns_mu_); return conns_.count("f-001") > 0; }, 10s));
  std::this_thread::sleep_for(1500ms);
  EXPECT_FALSE(done.load());
  EXPECT_EQ(f->Snapshot().booting, 1);
  std::filesystem::create_symlink("/var/run/docker.sock", engine_socket_);
  job.join();
  ASSERT_OK(grant);
  EXPECT_EQ(grant->instance, "f-001");
  f->Release(1);
  f->Shutdown();
}

// An Engine that never answers: after engine_timeout the instance is removed and a new
// one takes its place.
TEST_F(FleetRunnerTest, InstanceWhoseEngineNeverAnswersIsReplaced) {
  testutil::TempDir dir;
  engine_socket_ = (dir.path() / "never.sock").string();
  engine_timeout_ = 700ms;
  fleet::AutoscalerSettings settings = OneInstance();
  settings.backoff_initial = 100ms;  // the removed instance counts as a failed launch
  auto f = Make(settings);
  f->Start();
  util::CancelToken interrupt;
  std::thread job([&] { EXPECT_FALSE(f->Acquire(1, interrupt).ok()); });  // no instance ever gets ready
  ASSERT_TRUE(WaitFor([&] { return Contains(provider_->Calls(), "decrease f-001"); }, 15s))
      << ::testing::PrintToString(provider_->Calls());
  EXPECT_TRUE(WaitFor([&] {
    auto calls = provider_->Calls();
    return std::count(calls.begin(), calls.end(), "increase 1") >= 2;
  }, 15s)) << ::testing::PrintToString(provider_->Calls());
  interrupt.Cancel("test over");
  job.join();
  f->Shutdown();
  EXPECT_EQ(provider_->Live(), 0u);
}

}  // namespace
}  // namespace manager
