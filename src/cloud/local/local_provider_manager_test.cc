// The local provider's separation of managers and its dead-man switch, for real:
// namespaces, bridges, sshd and the watcher on this host (root).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <fstream>
#include <sstream>
#include <thread>

#include "cloud/dead_man_switch.h"
#include "cloud/local/local_provider.h"
#include "connect/ssh/ssh_connection.h"
#include "util/testing/test_util.h"

namespace cloud::local {
namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string UniqueFleet(const std::string& tag) {
  static int counter = 0;
  std::ostringstream s;
  s << "m" << std::hex << getpid() << "-" << tag << ++counter;
  return s.str();
}

std::string Sh(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[512];
  for (size_t n; f && (n = fread(buf, 1, sizeof buf, f.get())) > 0;) out.append(buf, n);
  return out;
}

bool NamespaceExists(const std::string& id) { return fs::exists("/run/netns/" + id); }

// Processes whose command line names `dir` (sshd configs, watchers of its instances).
int ProcessesUnder(const std::string& dir) {
  int n = 0;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator("/proc", ec)) {
    std::ifstream in(d.path() / "cmdline");
    std::stringstream ss;
    ss << in.rdbuf();
    n += ss.str().find(dir + "/") != std::string::npos;
  }
  return n;
}

bool WaitUntil(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return pred();
}

class LocalProviderManagerTest : public ::testing::Test {
 protected:
  std::unique_ptr<LocalProvider> Make(const std::string& fleet, const std::string& manager,
                                      std::chrono::seconds dead_man = 0s) {
    LocalOptions o;
    o.fleet = fleet;
    o.manager = manager;
    o.state_dir = (dir_.path() / (fleet + "-" + manager)).string();
    o.dead_man_timeout = dead_man;
    auto p = LocalProvider::Create(o);
    EXPECT_OK(p);
    return p.ok() ? std::move(*p) : nullptr;
  }
  std::vector<std::string> Ids(LocalProvider& p) {
    std::vector<std::string> ids;
    auto l = p.List();
    EXPECT_OK(l);
    if (l.ok())
      for (const auto& i : *l) ids.push_back(i.id);
    return ids;
  }
  bool Running(LocalProvider& p, const std::string& id) {
    auto l = p.List();
    if (!l.ok()) return false;
    for (const auto& i : *l)
      if (i.id == id) return i.state == InstanceState::kRunning;
    return false;
  }
  std::shared_ptr<connect::Connection> Dial(LocalProvider& p, const std::string& id) {
    auto info = p.Connect(id);
    EXPECT_OK(info);
    if (!info.ok()) return nullptr;
    connect::Endpoint e;
    e.host = info->internal_addr;
    e.port = info->port;
    e.username = info->username;
    e.key_pem = info->key_pem;
    auto c = connect::DialSsh(e);
    EXPECT_OK(c);
    return c.ok() ? std::move(*c) : nullptr;
  }

  testutil::TempDir dir_;
};

// Two managers of one config.toml: same fleet name, other system_id. Each lists, removes
// and adopts only its own instances; a provider of the same manager finds them again.
TEST_F(LocalProviderManagerTest, ManagersOfOneFleetKeepTheirInstancesApart) {
  const std::string fleet = UniqueFleet("two");
  auto a = Make(fleet, "s_aaaaaaaaaaaa");
  auto b = Make(fleet, "s_bbbbbbbbbbbb");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_OK(a->Increase(1));
  ASSERT_OK(b->Increase(1));
  std::vector<std::string> ia = Ids(*a), ib = Ids(*b);
  ASSERT_EQ(ia.size(), 1u);
  ASSERT_EQ(ib.size(), 1u);
  EXPECT_NE(ia[0], ib[0]);
  EXPECT_EQ(ia[0].rfind("sr-" + fleet + "-", 0), 0u) << ia[0];
  ASSERT_TRUE(WaitUntil([&] { return Running(*a, ia[0]) && Running(*b, ib[0]); }, 10s));
  // Each reaches its own instance with its own key, on its own bridge and subnet.
  auto ca = Dial(*a, ia[0]);
  auto cb = Dial(*b, ib[0]);
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(cb, nullptr);
  EXPECT_NE(a->Connect(ia[0])->internal_addr, b->Connect(ib[0])->internal_addr);
  // A removes "b's" id: not its own, so nothing happens to it.
  auto gone = a->Decrease({ib[0]});
  ASSERT_OK(gone);
  EXPECT_TRUE(NamespaceExists(ib[0]));
  EXPECT_EQ(Ids(*b), ib);
  // A restarted manager (same system_id, same state dir) finds its instance again.
  a.reset();
  auto again = Make(fleet, "s_aaaaaaaaaaaa");
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Ids(*again), ia);
  ASSERT_OK(again->Decrease(ia));
  ASSERT_OK(b->Decrease(ib));
  EXPECT_FALSE(NamespaceExists(ia[0]));
  EXPECT_FALSE(NamespaceExists(ib[0]));
}

// The dead-man switch: an instance whose manager keeps touching its heartbeat (over SSH,
// the file the instance's sshd names) lives on; one without heartbeats removes itself
// (namespace, processes, state files), and the last one takes the bridge with it.
TEST_F(LocalProviderManagerTest, InstanceWithoutHeartbeatRemovesItself) {
  const std::string fleet = UniqueFleet("dm");
  auto p = Make(fleet, "s_cccccccccccc", 3s);
  ASSERT_NE(p, nullptr);
  ASSERT_OK(p->Increase(2));
  std::vector<std::string> ids = Ids(*p);
  ASSERT_EQ(ids.size(), 2u);
  ASSERT_TRUE(WaitUntil([&] { return Running(*p, ids[0]) && Running(*p, ids[1]); }, 10s));
  auto conn = Dial(*p, ids[0]);
  ASSERT_NE(conn, nullptr);
  // The fleet's bridge: the host device holding the instance's gateway address.
  std::string bridge;
  {
    std::string route;
    util::CancelToken never;
    (void)conn->Exec("ip route show default", "", [&](std::string_view s) { route.append(s); }, never);
    std::istringstream words(route);
    std::string w, gateway;
    while (words >> w)
      if (w == "via") words >> gateway;
    ASSERT_FALSE(gateway.empty()) << route;
    bridge = Sh("ip -o -4 addr show to " + gateway + " | cut -d' ' -f2");
    while (!bridge.empty() && (bridge.back() == '\n' || bridge.back() == ' ')) bridge.pop_back();
    ASSERT_TRUE(fs::exists("/sys/class/net/" + bridge)) << "bridge \"" << bridge << "\"";
  }
  auto started = std::chrono::steady_clock::now();
  util::CancelToken never;
  // Heartbeats for ids[0] only, for 8 s: ids[1] must go in about 3 s, ids[0] must stay.
  bool second_gone = false;
  std::chrono::milliseconds second_after{};
  while (std::chrono::steady_clock::now() - started < 8s) {
    auto rc = conn->Exec(HeartbeatCommand(), "", [](std::string_view) {}, never);
    ASSERT_OK(rc);
    ASSERT_EQ(*rc, 0);
    if (!second_gone && !NamespaceExists(ids[1])) {
      second_gone = true;
      second_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    }
    std::this_thread::sleep_for(500ms);
  }
  EXPECT_TRUE(second_gone);
  EXPECT_GE(second_after, 2500ms);
  EXPECT_LE(second_after, 7000ms);
  EXPECT_TRUE(NamespaceExists(ids[0]));
  EXPECT_TRUE(Running(*p, ids[0]));
  EXPECT_EQ(Ids(*p), std::vector<std::string>{ids[0]});
  EXPECT_FALSE(fs::exists(p->options().state_dir + "/" + ids[1] + ".launched"));
  // Silence: the last instance goes too, and with it the fleet's bridge and every process.
  conn.reset();
  EXPECT_TRUE(WaitUntil([&] { return !NamespaceExists(ids[0]); }, 8s));
  EXPECT_TRUE(WaitUntil([&] { return ProcessesUnder(p->options().state_dir) == 0; }, 3s));
  EXPECT_TRUE(Ids(*p).empty());
  EXPECT_FALSE(fs::exists("/sys/class/net/" + bridge)) << bridge;
}

}  // namespace
}  // namespace cloud::local
