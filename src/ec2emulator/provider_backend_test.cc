#include "ec2emulator/provider_backend.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

// A provider whose instances run after `boot_lists` List() calls; records its calls.
class ScriptedProvider final : public cloud::Provider {
 public:
  util::Result<std::vector<cloud::InstanceInfo>> List() override {
    ++lists;
    std::vector<cloud::InstanceInfo> out;
    for (auto& [id, age] : instances_) {
      ++age;
      out.push_back({id, age > boot_lists ? cloud::InstanceState::kRunning : cloud::InstanceState::kCreating, {}});
    }
    return out;
  }
  util::Result<int> Increase(int n) override {
    if (refuse) return util::Status::ResourceExhausted("no capacity");
    for (int i = 0; i < n; ++i) instances_["local-" + std::to_string(next_++)] = 0;
    return n;
  }
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override {
    for (const auto& id : ids) {
      instances_.erase(id);
      removed.push_back(id);
    }
    return ids;
  }
  util::Result<cloud::ConnectInfo> Connect(const std::string& id) override {
    cloud::ConnectInfo c;
    c.id = id;
    c.internal_addr = "10.77.0." + id.substr(6);
    return c;
  }
  std::vector<cloud::ProviderEvent> TakeEvents() override { return {}; }

  int boot_lists = 2;
  bool refuse = false;
  int lists = 0;
  std::vector<std::string> removed;

 private:
  std::map<std::string, int> instances_;
  int next_ = 1;
};

TEST(ProviderBackendTest, EmulatedInstancesAreProviderInstances) {
  ScriptedProvider provider;
  ProviderBackend backend(provider, {std::chrono::milliseconds(1), std::chrono::seconds(5)});
  Harness h;
  Runtime runtime(h.emulator, backend);
  const std::string id =
      h.Ec2("RunInstances", {{"ImageId", "ami-0123456789abcdef0"}, {"MinCount", "2"}, {"MaxCount", "2"}})
          .Text("instancesSet/item/instanceId");
  runtime.Step();
  h.clock.Advance(std::chrono::seconds(2));
  runtime.Step();
  Answer d = h.Ec2("DescribeInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceState/name"), "running");
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/privateIpAddress"), "10.77.0.1");
  auto list = h.emulator.InstancesJson();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1]["backend_handle"], "local-2");
  h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  runtime.Step();
  EXPECT_EQ(provider.removed, (std::vector<std::string>{"local-1"}));
  EXPECT_EQ(runtime.Shutdown(), 1u);
  EXPECT_EQ(provider.removed, (std::vector<std::string>{"local-1", "local-2"}));
}

TEST(ProviderBackendTest, RefusalAndTimeoutFailTheLaunch) {
  ScriptedProvider provider;
  provider.refuse = true;
  ProviderBackend backend(provider, {std::chrono::milliseconds(1), std::chrono::milliseconds(50)});
  auto r = backend.Launch({"i-0abc", "c5.large", "us-east-1a", "subnet-a", "", true});
  EXPECT_EQ(r.status().code(), util::Status::Code::kResourceExhausted);
  EXPECT_EQ(r.status().message(), "launching i-0abc: no capacity");
  provider.refuse = false;
  provider.boot_lists = 1000000;
  auto slow = backend.Launch({"i-0abd", "c5.large", "us-east-1a", "subnet-a", "", true});
  EXPECT_EQ(slow.status().code(), util::Status::Code::kDeadlineExceeded);
  EXPECT_EQ(provider.removed, (std::vector<std::string>{"local-1"}));  // not left behind
}

// A provider whose instances are bare network namespaces of the test's own (running at
// once), to check the metadata path of real mode: 169.254.169.254 inside the instance.
class NetnsProvider final : public cloud::Provider {
 public:
  ~NetnsProvider() override {
    for (const auto& n : names_) RunIp({"netns", "del", n});
  }
  util::Result<std::vector<cloud::InstanceInfo>> List() override {
    std::vector<cloud::InstanceInfo> out;
    for (const auto& n : names_) out.push_back({n, cloud::InstanceState::kRunning, {}});
    return out;
  }
  util::Result<int> Increase(int n) override {
    for (int i = 0; i < n; ++i) {
      std::string name = "sr-ec2emu-" + std::to_string(getpid()) + "-" + std::to_string(next_++);
      if (RunIp({"netns", "add", name}) != 0) return util::Status::Unavailable("ip netns add " + name + " failed");
      names_.push_back(name);
    }
    return n;
  }
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override {
    for (const auto& id : ids) {
      RunIp({"netns", "del", id});
      names_.erase(std::remove(names_.begin(), names_.end(), id), names_.end());
    }
    return ids;
  }
  util::Result<cloud::ConnectInfo> Connect(const std::string& id) override {
    cloud::ConnectInfo c;
    c.id = id;
    c.internal_addr = "10.78.0.1";
    return c;
  }
  std::vector<cloud::ProviderEvent> TakeEvents() override { return {}; }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;
  int next_ = 1;
};

TEST(ProviderBackendTest, MetadataIsServedInsideTheInstanceNamespace) {
  Harness h;
  NetnsProvider provider;
  ProviderBackendOptions o;
  o.poll = std::chrono::milliseconds(1);
  o.imds_emulator = &h.emulator;
  o.netns_of = [](const std::string& id) { return id; };
  ProviderBackend backend(provider, o);
  Runtime runtime(h.emulator, backend);
  const std::string id = RunSpotInstance(h);
  runtime.Step();
  ASSERT_EQ(provider.names().size(), 1u);
  const std::string ns = provider.names()[0];
  const std::string token =
      CurlIn(ns, "-X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(
      CurlIn(ns, "-H 'X-aws-ec2-metadata-token: " + token + "' http://169.254.169.254/latest/meta-data/instance-id"), id);
  ASSERT_OK(h.emulator.Interrupt(id));
  EXPECT_NE(CurlIn(ns, "-H 'X-aws-ec2-metadata-token: " + token +
                         "' http://169.254.169.254/latest/meta-data/spot/instance-action")
                .find("terminate"),
            std::string::npos);
  h.Ec2("TerminateInstances", {{"InstanceId.1", id}});
  runtime.Step();
  EXPECT_TRUE(provider.names().empty());  // the instance's namespace is gone
  EXPECT_EQ(runtime.Shutdown(), 0u);
}

}  // namespace
}  // namespace ec2emulator::testing
