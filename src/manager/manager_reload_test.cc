// Manager::Reload of autoscaled entries, on a recording fake provider whose instances
// boot at once and connections that run commands on this host. GitLab is a closed
// loopback port: no job comes, so the fleets hold only their idle instances.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <thread>

#include "executor/instance/local_test_connection.h"
#include "fleet/fake_provider.h"
#include "manager/fleet_factories.h"
#include "manager/fleet_runner.h"
#include "manager/manager.h"
#include "util/testing/test_util.h"

namespace manager {
namespace {

using namespace std::chrono_literals;

// The fake provider behind a mutex (fleets call it from their threads).
class SharedProvider final : public cloud::Provider {
 public:
  util::Result<std::vector<cloud::InstanceInfo>> List() override {
    std::lock_guard<std::mutex> l(mu_);
    return fake_.List();
  }
  util::Result<int> Increase(int n) override {
    std::lock_guard<std::mutex> l(mu_);
    auto r = fake_.Increase(n);
    fake_.BootAll();
    return r;
  }
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override {
    std::lock_guard<std::mutex> l(mu_);
    auto r = fake_.Decrease(ids);
    fake_.FinishDeletes();
    return r;
  }
  util::Result<cloud::ConnectInfo> Connect(const std::string& id) override {
    std::lock_guard<std::mutex> l(mu_);
    return fake_.Connect(id);
  }
  std::vector<cloud::ProviderEvent> TakeEvents() override {
    std::lock_guard<std::mutex> l(mu_);
    return fake_.TakeEvents();
  }
  std::vector<std::string> Calls() {
    std::lock_guard<std::mutex> l(mu_);
    return fake_.calls;
  }
  std::vector<std::string> Live() {
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> ids;
    for (const auto& [id, i] : fake_.live) ids.push_back(id);
    return ids;
  }

 private:
  std::mutex mu_;
  fleet::FakeProvider fake_;
};

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds limit = 10s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

size_t IndexOf(const std::vector<std::string>& v, const std::string& s, size_t from = 0) {
  auto it = std::find(v.begin() + std::min(from, v.size()), v.end(), s);
  return static_cast<size_t>(it - v.begin());
}

// One autoscaled entry; `policy_extra` is appended to its [[runners.autoscaler.policy]].
std::string FleetEntry(int idle_count, const std::string& plugin_config = "{ name = \"a\" }",
                       const std::string& policy_extra = "") {
  return "[[runners]]\n"
         "  name = \"fleet-a\"\n"
         "  url = \"http://127.0.0.1:9\"\n"
         "  token = \"glrt-reload-test-token\"\n"
         "  executor = \"instance\"\n"
         "  [runners.autoscaler]\n"
         "    plugin = \"fake\"\n"
         "    max_instances = 3\n"
         "    plugin_config = " + plugin_config + "\n"
         "    [[runners.autoscaler.policy]]\n"
         "      idle_count = " + std::to_string(idle_count) + "\n"
         "      idle_time = \"20m\"\n" + policy_extra;
}

class ManagerReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    provider_ = std::make_shared<SharedProvider>();
    auto seams = std::make_shared<FleetSeams>();
    seams->provider = [this](const config::RunnerConfig&) -> util::Result<std::shared_ptr<cloud::Provider>> {
      ++providers_made_;
      return std::shared_ptr<cloud::Provider>(provider_);
    };
    seams->connect = [](const cloud::ConnectInfo&) -> util::Result<std::shared_ptr<connect::Connection>> {
      return std::shared_ptr<connect::Connection>(std::make_shared<executor::testing::LocalTestConnection>());
    };
    ManagerOptions o;
    o.config_path = (dir_.path() / "config.toml").string();
    o.working_dir = dir_.path().string();
    o.fleet_seams = seams;
    o.fleet_tick = 50ms;
    options_ = o;
  }

  void WriteConfig(const std::string& runners) {
    std::ofstream f(options_.config_path, std::ios::trunc);
    f << "concurrent = 2\ncheck_interval = 1\n\n" << runners;
  }

  void Start(const std::string& runners) {
    WriteConfig(runners);
    manager_ = std::make_unique<Manager>(options_);
    ASSERT_OK(manager_->Start());
  }

  void TearDown() override {
    if (manager_) {
      manager_->StopForceful();
      manager_->Wait();
    }
    EXPECT_TRUE(provider_->Live().empty()) << ::testing::PrintToString(provider_->Live());
  }

  testutil::TempDir dir_;
  ManagerOptions options_;
  std::shared_ptr<SharedProvider> provider_;
  std::atomic<int> providers_made_{0};
  std::unique_ptr<Manager> manager_;
};

TEST_F(ManagerReloadTest, RemovedEntryRemovesItsInstancesAndTheManagerRunsOn) {
  Start(FleetEntry(1));
  ASSERT_TRUE(WaitFor([&] { return provider_->Live().size() == 1; }));
  ASSERT_NE(manager_->fleet("fleet-a"), nullptr);

  WriteConfig("");
  ASSERT_OK(manager_->Reload());
  EXPECT_TRUE(WaitFor([&] { return provider_->Live().empty(); })) << ::testing::PrintToString(provider_->Calls());
  EXPECT_TRUE(WaitFor([&] { return manager_->fleet("fleet-a") == nullptr; }));
  auto calls = provider_->Calls();
  EXPECT_LT(IndexOf(calls, "decrease f-001"), calls.size()) << ::testing::PrintToString(calls);
  // Still running: a later reload works and brings the entry back with a fresh fleet.
  WriteConfig(FleetEntry(1));
  ASSERT_OK(manager_->Reload());
  ASSERT_TRUE(WaitFor([&] { return provider_->Live() == std::vector<std::string>{"f-002"}; }))
      << ::testing::PrintToString(provider_->Calls());
  EXPECT_EQ(providers_made_, 2);
  EXPECT_NE(manager_->fleet("fleet-a"), nullptr);
}

TEST_F(ManagerReloadTest, RaisedIdleCountReachesTheLiveFleetWithoutRecreatingIt) {
  Start(FleetEntry(1));
  ASSERT_TRUE(WaitFor([&] { return provider_->Live().size() == 1; }));
  FleetRunner* before = manager_->fleet("fleet-a");
  WriteConfig(FleetEntry(2));
  ASSERT_OK(manager_->Reload());
  ASSERT_TRUE(WaitFor([&] { return provider_->Live().size() == 2; })) << ::testing::PrintToString(provider_->Calls());
  EXPECT_EQ(provider_->Live(), (std::vector<std::string>{"f-001", "f-002"}));
  EXPECT_EQ(manager_->fleet("fleet-a"), before);
  EXPECT_EQ(providers_made_, 1);
  EXPECT_TRUE(WaitFor([&] { return manager_->fleet("fleet-a")->Snapshot().idle == 2; }));
  auto calls = provider_->Calls();
  EXPECT_EQ(std::count_if(calls.begin(), calls.end(), [](const std::string& c) { return c.rfind("decrease", 0) == 0; }), 0)
      << ::testing::PrintToString(calls);
}

TEST_F(ManagerReloadTest, ChangedPluginConfigRetiresTheOldFleetBeforeTheNewOneStarts) {
  Start(FleetEntry(1));
  ASSERT_TRUE(WaitFor([&] { return provider_->Live().size() == 1; }));
  WriteConfig(FleetEntry(1, "{ name = \"a\", boot_delay = \"1s\" }"));
  ASSERT_OK(manager_->Reload());
  ASSERT_TRUE(WaitFor([&] { return provider_->Live() == std::vector<std::string>{"f-002"}; }))
      << ::testing::PrintToString(provider_->Calls());
  EXPECT_EQ(providers_made_, 2);
  auto calls = provider_->Calls();
  size_t removed = IndexOf(calls, "decrease f-001");
  ASSERT_LT(removed, calls.size()) << ::testing::PrintToString(calls);
  // The new fleet asked for its instance only after the old one's was removed.
  EXPECT_LT(removed, IndexOf(calls, "increase 1", 1)) << ::testing::PrintToString(calls);
}

TEST_F(ManagerReloadTest, RefusedSettingsKeepTheOldConfiguration) {
  Start(FleetEntry(1));
  ASSERT_TRUE(WaitFor([&] { return provider_->Live().size() == 1; }));
  WriteConfig(FleetEntry(2, "{ name = \"a\" }", "      timezone = \"Nowhere/Atlantis\"\n"));
  util::Status s = manager_->Reload();
  EXPECT_EQ(s.code(), util::Status::Code::kNotFound) << s.ToString();
  EXPECT_NE(s.message().find("time zone \"Nowhere/Atlantis\""), std::string::npos) << s.ToString();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(provider_->Live().size(), 1u);
  EXPECT_EQ(providers_made_, 1);
}

}  // namespace
}  // namespace manager
