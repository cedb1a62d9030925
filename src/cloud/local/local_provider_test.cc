// The local provider for real: namespaces, veths, a bridge and sshd on this host (root).
// Each test uses its own fleet name, so parallel runs do not collide, and checks that
// nothing of its fleet is left afterwards.
#include "cloud/local/local_provider.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cloud/provider_factory.h"
#include "connect/ssh/ssh_connection.h"
#include "connect/ssh/ssh_keys.h"
#include "util/testing/test_util.h"

namespace cloud::local {
namespace {
namespace fs = std::filesystem;
using Code = util::Status::Code;

std::string UniqueFleet(const std::string& tag) {
  static int counter = 0;
  std::ostringstream s;
  s << "t" << std::hex << getpid() << "-" << tag << ++counter;
  return s.str();
}

// Every trace of `fleet` on the host: namespaces, processes started with its state dir.
std::vector<std::string> Leftovers(const LocalProvider& p) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator("/run/netns", ec)) {
    std::string n = d.path().filename().string();
    if (n.rfind("sr-" + p.options().fleet + "-", 0) == 0) out.push_back("netns " + n);
  }
  for (const auto& d : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(d.path() / "cmdline");
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find(p.options().state_dir + "/") != std::string::npos) out.push_back("process " + ss.str());
  }
  if (fs::exists("/sys/class/net/" + p.options().bridge)) out.push_back("bridge " + p.options().bridge);
  return out;
}

class LocalProviderTest : public ::testing::Test {
 protected:
  std::unique_ptr<LocalProvider> Make(const std::string& fleet, std::chrono::milliseconds boot = {}, int max = 50) {
    LocalOptions o;
    o.fleet = fleet;
    o.state_dir = (dir_.path() / fleet).string();
    o.bridge = "srb-" + fleet.substr(0, 11);
    o.boot_delay = boot;
    o.max_instances = max;
    return Track(o);
  }
  // Creates a provider on `o` and remembers the fleet for TearDown.
  std::unique_ptr<LocalProvider> Track(const LocalOptions& o) {
    fleets_.push_back(o);
    auto p = LocalProvider::Create(o, clock_);
    EXPECT_OK(p);
    return p.ok() ? std::move(*p) : nullptr;
  }
  // A test that stopped half-way leaves nothing: a provider on the same options adopts
  // what is left of its fleet and removes it.
  void TearDown() override {
    for (const LocalOptions& o : fleets_) {
      auto p = LocalProvider::Create(o, clock_);
      if (!p.ok()) continue;
      auto left = (*p)->List();
      std::vector<std::string> ids;
      if (left.ok())
        for (const auto& i : *left) ids.push_back(i.id);
      if (!ids.empty()) (void)(*p)->Decrease(ids);
    }
  }
  // Polls List() until `id` is running (at most ~10 s).
  bool WaitRunning(LocalProvider& p, const std::string& id) {
    for (int i = 0; i < 100; ++i) {
      auto l = p.List();
      if (l.ok()) {
        for (const auto& inst : *l) {
          if (inst.id == id && inst.state == InstanceState::kRunning) return true;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  std::vector<std::string> Ids(LocalProvider& p) {
    std::vector<std::string> ids;
    auto l = p.List();
    EXPECT_OK(l);
    if (l.ok()) {
      for (const auto& i : *l) ids.push_back(i.id);
    }
    return ids;
  }
  void RemoveAll(LocalProvider& p) {
    auto d = p.Decrease(Ids(p));
    EXPECT_OK(d);
    EXPECT_EQ(Leftovers(p), std::vector<std::string>{});
  }

  testutil::TempDir dir_;
  util::ManualClock clock_{util::SystemClock::Get().Now()};
  std::vector<LocalOptions> fleets_;
};

TEST_F(LocalProviderTest, IncreaseConnectRunDecrease) {
  auto p = Make(UniqueFleet("a"));
  ASSERT_NE(p, nullptr);
  const std::string f = p->options().fleet;
  auto n = p->Increase(2);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Ids(*p), (std::vector<std::string>{"sr-" + f + "-1", "sr-" + f + "-2"}));
  ASSERT_TRUE(WaitRunning(*p, "sr-" + f + "-2"));
  auto info = p->Connect("sr-" + f + "-2");
  ASSERT_OK(info);
  EXPECT_EQ(info->username, "root");
  EXPECT_NE(info->key_pem.find("OPENSSH PRIVATE KEY"), std::string::npos);
  connect::Endpoint e;
  e.host = info->internal_addr;
  e.port = info->port;
  e.username = info->username;
  e.key_pem = info->key_pem;
  // No trust on first use: the host key the provider generated for this instance is the
  // only one accepted.
  EXPECT_EQ(info->host_key.rfind("ssh-ed25519 ", 0), 0u) << info->host_key;
  e.host_key = info->host_key;
  auto conn = connect::DialSsh(e);
  ASSERT_OK(conn);
  std::string out;
  util::CancelToken never;
  auto rc = (*conn)->Exec("ip -o -4 addr show dev eth0", "", [&](std::string_view s) { out.append(s); }, never);
  ASSERT_OK(rc);
  EXPECT_EQ(*rc, 0);
  EXPECT_NE(out.find(info->internal_addr + "/24"), std::string::npos) << out;
  // Instances reach each other over the bridge.
  auto other = p->Connect("sr-" + f + "-1");
  ASSERT_OK(other);
  out.clear();
  rc = (*conn)->Exec("timeout 5 bash -c 'exec 3<>/dev/tcp/" + other->internal_addr + "/22; head -c4 <&3'", "",
                     [&](std::string_view s) { out.append(s); }, never);
  ASSERT_OK(rc);
  EXPECT_EQ(out, "SSH-");  // the other instance's sshd greets
  // Each instance has a host key of its own: one cannot pass for the other.
  EXPECT_NE(other->host_key, info->host_key);
  connect::Endpoint to_other = e;
  to_other.host = other->internal_addr;
  EXPECT_TRUE(connect::IsHostKeyMismatch(connect::DialSsh(to_other).status()));
  // A host key given later (the EC2 emulator's user data) replaces it; sshd presents it.
  auto fresh = connect::GenerateKeyPair("");
  ASSERT_OK(fresh);
  ASSERT_OK(p->SetHostKey("sr-" + f + "-1", fresh->private_pem));
  auto again = p->Connect("sr-" + f + "-1");
  ASSERT_OK(again);
  EXPECT_EQ(again->host_key, fresh->public_line);
  to_other.host_key = fresh->public_line;
  EXPECT_OK(connect::DialSsh(to_other));
  // A fresh VM without Docker: /run is the instance's own, this host's Engine is not there.
  EXPECT_FALSE((*conn)->DialUnix("/var/run/docker.sock").ok());
  out.clear();
  rc = (*conn)->Exec("ls -A /run", "", [&](std::string_view s) { out.append(s); }, never);
  ASSERT_OK(rc);
  EXPECT_EQ(out.find("netns"), std::string::npos) << out;
  out.clear();  // no resolver reaches out: lookups fail at once instead of timing out
  rc = (*conn)->Exec("grep nameserver /etc/resolv.conf", "", [&](std::string_view s) { out.append(s); }, never);
  EXPECT_EQ(out, "nameserver 127.0.0.1\n");
  EXPECT_EQ(p->Connect("sr-" + f + "-9").status().code(), Code::kNotFound);
  auto gone = p->Decrease({"sr-" + f + "-1", "sr-" + f + "-1", "sr-" + f + "-77"});
  ASSERT_OK(gone);
  EXPECT_EQ(gone->size(), 3u);  // idempotent: repeated and unknown ids count as done
  EXPECT_EQ(Ids(*p), std::vector<std::string>{"sr-" + f + "-2"});
  EXPECT_TRUE(p->TakeEvents().empty());  // our own deletions are not "gone" events
  RemoveAll(*p);
}

// Live processes under cgroup parent "/<id>" (an instance Engine's containers); a killed
// one not yet reaped by its new parent does not count.
int ProcessesUnderCgroup(const std::string& id) {
  int n = 0;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator("/proc", ec)) {
    std::string text = testutil::ReadFile(d.path() / "cgroup");
    std::string stat = testutil::ReadFile(d.path() / "stat");
    bool zombie = stat.find(") Z ") != std::string::npos;
    if (!zombie && text.find(":/" + id + "/") != std::string::npos) ++n;
  }
  return n;
}

// docker_engine: each instance runs an Engine of its own (own data root, empty image store,
// the daemon.json and environment it was given); removing the instance removes its
// containers, cgroups and data, as terminating a VM would.
TEST_F(LocalProviderTest, DockerEngineOfItsOwnGoesWithTheInstance) {
  LocalOptions o;
  o.fleet = UniqueFleet("e");
  o.state_dir = (dir_.path() / o.fleet).string();
  o.bridge = "srb-" + o.fleet.substr(0, 11);
  o.docker_engine = EngineConfig{R"({"labels": ["sr-test=own-engine"]})", {"SR_ENGINE_TEST=yes"}};
  auto made = Track(o);
  ASSERT_NE(made, nullptr);
  LocalProvider& p = *made;
  ASSERT_OK(p.Increase(1));
  const std::string id = "sr-" + o.fleet + "-1";
  ASSERT_TRUE(WaitRunning(p, id));
  auto info = p.Connect(id);
  ASSERT_OK(info);
  connect::Endpoint e;
  e.host = info->internal_addr;
  e.username = info->username;
  e.key_pem = info->key_pem;
  e.host_key = info->host_key;
  auto conn = connect::DialSsh(e);
  ASSERT_OK(conn);
  util::CancelToken never;
  auto sh = [&](const std::string& cmd) {
    std::string out;
    auto rc = (*conn)->Exec(cmd, "", [&](std::string_view s) { out.append(s); }, never);
    return rc.ok() && *rc == 0 ? out : "exit " + (rc.ok() ? std::to_string(*rc) : rc.status().ToString()) + ": " + out;
  };
  const std::string api = "curl -fsS --unix-socket /var/run/docker.sock http://localhost";
  std::string info_json;
  for (int i = 0; i < 150 && info_json.find("\"DockerRootDir\"") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    info_json = sh(api + "/info");
  }
  ASSERT_NE(info_json.find("\"DockerRootDir\":\"/var/lib/docker\""), std::string::npos)
      << info_json << testutil::ReadFile(o.state_dir + "/" + id + ".dockerd.log");
  EXPECT_NE(info_json.find("\"Images\":0,"), std::string::npos) << info_json;  // nothing of this host's
  EXPECT_NE(info_json.find("sr-test=own-engine"), std::string::npos) << info_json;
  EXPECT_EQ(sh("tr '\\0' '\\n' </proc/$(cat /var/run/docker.pid)/environ | grep SR_ENGINE_TEST"),
            "SR_ENGINE_TEST=yes\n");
  // A container of that Engine (image copied from this host's Engine), then removal.
  const std::string tar = (dir_.path() / "alpine.tar").string();
  ASSERT_EQ(std::system(("curl -fsS --unix-socket /var/run/docker.sock -o " + tar +
                         " http://localhost/images/alpine:latest/get").c_str()),
            0);
  EXPECT_NE(sh(api + "/images/load?quiet=1 -X POST -H 'Content-Type: application/x-tar' --data-binary @" + tar)
                .find("Loaded image"),
            std::string::npos);
  std::string created = sh(api + "/containers/create -H 'Content-Type: application/json' -d "
                                 "'{\"Image\":\"alpine:latest\",\"Cmd\":[\"sleep\",\"300\"],"
                                 "\"HostConfig\":{\"NetworkMode\":\"none\"}}'");
  auto at = created.find("\"Id\":\"");
  ASSERT_NE(at, std::string::npos) << created;
  EXPECT_EQ(sh(api + "/containers/" + created.substr(at + 6, 64) + "/start -X POST"), "");
  EXPECT_EQ(ProcessesUnderCgroup(id), 1);
  conn->reset();
  ASSERT_OK(p.Decrease({id}));
  EXPECT_EQ(ProcessesUnderCgroup(id), 0);
  EXPECT_FALSE(fs::exists("/sys/fs/cgroup/pids/" + id));
  EXPECT_FALSE(fs::exists(o.state_dir + "/" + id + ".docker"));
  EXPECT_EQ(Leftovers(p), std::vector<std::string>{});
}

TEST_F(LocalProviderTest, BootDelayKeepsInstancesCreating) {
  auto p = Make(UniqueFleet("b"), std::chrono::seconds(30));
  ASSERT_NE(p, nullptr);
  const std::string id = "sr-" + p->options().fleet + "-1";
  ASSERT_OK(p->Increase(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  auto l = p->List();
  ASSERT_OK(l);
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].state, InstanceState::kCreating);
  EXPECT_EQ(p->Connect(id).status().code(), Code::kFailedPrecondition);
  clock_.Set(clock_.Now() + std::chrono::seconds(31));
  EXPECT_TRUE(WaitRunning(*p, id));
  EXPECT_OK(p->Connect(id));
  RemoveAll(*p);
}

TEST_F(LocalProviderTest, SecondProviderAdoptsAndOtherFleetsAreInvisible) {
  std::string fleet = UniqueFleet("c");
  auto a = Make(fleet);
  auto other = Make(UniqueFleet("d"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(other, nullptr);
  ASSERT_OK(a->Increase(1));
  ASSERT_OK(other->Increase(1));
  const std::string id = "sr-" + fleet + "-1";
  ASSERT_TRUE(WaitRunning(*a, id));
  auto key_a = a->Connect(id);
  ASSERT_OK(key_a);
  a.reset();  // the manager restarts
  auto b = Make(fleet);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(Ids(*b), std::vector<std::string>{id});
  ASSERT_TRUE(WaitRunning(*b, id));
  auto key_b = b->Connect(id);
  ASSERT_OK(key_b);
  EXPECT_EQ(key_b->key_pem, key_a->key_pem);  // the fleet key survives the restart
  // Another fleet's id is not ours: "done", and untouched.
  std::string foreign = "sr-" + other->options().fleet + "-1";
  ASSERT_OK(b->Decrease({foreign}));
  EXPECT_EQ(Ids(*other), std::vector<std::string>{foreign});
  RemoveAll(*b);
  RemoveAll(*other);
}

TEST_F(LocalProviderTest, RemovedIdIsNotReusedByTheNextLaunch) {
  auto p = Make(UniqueFleet("r"));
  ASSERT_NE(p, nullptr);
  const std::string f = p->options().fleet;
  ASSERT_OK(p->Increase(2));
  auto gone = p->Decrease({"sr-" + f + "-1"});
  ASSERT_OK(gone);
  ASSERT_OK(p->Increase(1));
  EXPECT_EQ(Ids(*p), (std::vector<std::string>{"sr-" + f + "-2", "sr-" + f + "-3"}));
  // A second provider object on the same state continues after the last index too.
  auto q = Make(f);
  ASSERT_NE(q, nullptr);
  ASSERT_OK(q->Increase(1));
  EXPECT_EQ(Ids(*q), (std::vector<std::string>{"sr-" + f + "-2", "sr-" + f + "-3", "sr-" + f + "-4"}));
  ASSERT_OK(q->Decrease(Ids(*q)));
}

TEST_F(LocalProviderTest, VanishedNamespaceIsReportedGone) {
  auto p = Make(UniqueFleet("e"));
  ASSERT_NE(p, nullptr);
  ASSERT_OK(p->Increase(2));
  const std::string id = "sr-" + p->options().fleet + "-1";
  ASSERT_TRUE(WaitRunning(*p, id));
  // Removed by hand while its sshd still runs.
  ASSERT_EQ(std::system(("ip netns del " + id).c_str()), 0);
  EXPECT_EQ(Ids(*p), std::vector<std::string>{"sr-" + p->options().fleet + "-2"});
  auto ev = p->TakeEvents();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, ProviderEvent::Kind::kGone);
  EXPECT_EQ(ev[0].id, id);
  EXPECT_TRUE(p->TakeEvents().empty());
  RemoveAll(*p);
}

TEST_F(LocalProviderTest, MaxInstancesGivesPartialGrants) {
  auto p = Make(UniqueFleet("f"), {}, 2);
  ASSERT_NE(p, nullptr);
  auto n = p->Increase(3);
  ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(p->Increase(1).status().code(), Code::kResourceExhausted);
  EXPECT_EQ(Ids(*p).size(), 2u);
  RemoveAll(*p);
}

TEST(LocalOptionsTest, ParsesAndRejects) {
  auto o = ParseLocalOptions(R"({"boot_delay":"1500ms","max_instances":5,"name":"ci","subnet":"10.9.8.0/24"})", "runner \"r\"");
  ASSERT_OK(o);
  EXPECT_EQ(o->fleet, "ci");
  EXPECT_EQ(o->boot_delay, std::chrono::milliseconds(1500));
  EXPECT_EQ(o->max_instances, 5);
  EXPECT_EQ(o->subnet, "10.9.8.0/24");
  auto secs = ParseLocalOptions(R"({"boot_delay":2,"name":"ci"})", "r");
  ASSERT_OK(secs);
  EXPECT_EQ(secs->boot_delay, std::chrono::seconds(2));
  auto missing = ParseLocalOptions("", "runner \"r\"");
  EXPECT_EQ(missing.status().code(), Code::kInvalidArgument);
  EXPECT_NE(missing.status().message().find("name"), std::string::npos);
  auto unknown = ParseLocalOptions(R"({"name":"ci","colour":"red"})", "r");
  EXPECT_NE(unknown.status().message().find("colour"), std::string::npos);
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci","subnet":"10.9.8.0/16"})", "r").ok());
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci","subnet":"10.9.300.0/24"})", "r").ok());
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"Bad_Name"})", "r").ok());
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci","boot_delay":"soon"})", "r").ok());
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci","bridge":"a-very-long-bridge-name"})", "r").ok());
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci","max_instances":0})", "r").ok());
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci"})", "r")->docker_engine.has_value());
  auto engine = ParseLocalOptions(R"({"name":"ci","docker_engine":{"registry-mirrors":["http://10.0.0.1:5000"]}})", "r");
  ASSERT_OK(engine);
  ASSERT_TRUE(engine->docker_engine.has_value());
  EXPECT_EQ(engine->docker_engine->daemon_json, R"({"registry-mirrors":["http://10.0.0.1:5000"]})");
  EXPECT_EQ(ParseLocalOptions(R"({"name":"ci","docker_engine":true})", "r")->docker_engine->daemon_json, "");
  // A docker executor's fleet runs Engines unless its table says otherwise.
  EXPECT_EQ(ParseLocalOptions(R"({"name":"ci"})", "r", /*docker_executor=*/true)->docker_engine->daemon_json, "");
  EXPECT_FALSE(ParseLocalOptions(R"({"name":"ci","docker_engine":false})", "r", true)->docker_engine.has_value());
  auto bad = ParseLocalOptions(R"({"name":"ci","docker_engine":"yes"})", "r");
  EXPECT_NE(bad.status().message().find("docker_engine"), std::string::npos);
}

TEST(ProviderFactoryTest, SelectsByPluginName) {
  testutil::TempDir dir;
  config::RunnerConfig r;
  r.name = "fleet-runner";
  r.autoscaler.plugin = "local";
  r.autoscaler.plugin_config_json = R"({"name":"fx","state_dir":")" + (dir.path() / "s").string() + R"("})";
  auto p = NewProvider(r);
  ASSERT_OK(p);
  auto l = (*p)->List();
  ASSERT_OK(l);
  EXPECT_TRUE(fs::exists(dir.path() / "s" / "client_ed25519"));
  r.autoscaler.plugin = "fleeting-plugin-nowhere";
  auto bad = NewProvider(r);
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("fleeting-plugin-nowhere"), std::string::npos);
  EXPECT_NE(bad.status().message().find("fleet-runner"), std::string::npos);
  r.autoscaler.plugin = "local";
  r.autoscaler.plugin_config_json = R"({"name":"fx","boot_delay":"later"})";
  EXPECT_NE(NewProvider(r).status().message().find("boot_delay"), std::string::npos);
}

}  // namespace
}  // namespace cloud::local
