// Real SSH: an sshd in a network namespace this test creates (veth pair, private /30),
// reached with connect::DialSsh from the host side. Needs root, iproute2 and sshd.
#include "connect/ssh/ssh_connection.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "connect/ssh/ssh_keys.h"
#include "connect/ssh/test_peer.h"
#include "util/testing/test_util.h"

namespace connect {
namespace {

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Processes whose command line is exactly `argv` joined by NULs.
int CountProcesses(const std::string& cmdline) {
  int n = 0;
  for (const auto& d : std::filesystem::directory_iterator("/proc")) {
    std::string c = ReadAll((d.path() / "cmdline").string());
    if (c == cmdline) ++n;
  }
  return n;
}

// One sshd in its own netns "srt-<pid>", at 10.251.X.Y+2, the host side at +1.
class SshServer {
 public:
  SshServer() {
    pid_t pid = getpid();
    ns_ = "srt-" + std::to_string(pid);
    char hex[16];
    std::snprintf(hex, sizeof(hex), "%x", pid);
    vh_ = std::string("srth") + hex;
    vp_ = std::string("srtp") + hex;
    std::string net = "10.251." + std::to_string((pid / 64) % 256) + ".";
    int base = (pid % 64) * 4;
    host_ip_ = net + std::to_string(base + 1);
    ip_ = net + std::to_string(base + 2);
    auto host_key = GenerateKeyPair("");
    auto client = GenerateKeyPair("test");
    if (!host_key.ok() || !client.ok()) return;
    client_pem_ = client->private_pem;
    host_public_ = host_key->public_line;
    std::string d = dir_.path().string();
    std::ofstream(d + "/host") << host_key->private_pem;
    std::ofstream(d + "/authorized_keys") << client->public_line << "\n";
    Sh("chmod 600 " + d + "/host");
    std::ofstream(d + "/sshd_config") << "ListenAddress " << ip_ << ":22\nHostKey " << d << "/host\n"
                                      << "AuthorizedKeysFile " << d << "/authorized_keys\nPidFile " << d
                                      << "/sshd.pid\nPermitRootLogin prohibit-password\nPasswordAuthentication no\n"
                                      << "UsePAM no\nStrictModes no\nUseDNS no\nAllowTcpForwarding yes\n"
                                      << "AllowStreamLocalForwarding yes\nMaxSessions 64\nMaxStartups 64:30:128\n"
                                      << "SetEnv SHLVL=1\n";  // no ~/.bashrc: bash reads it only at level 1
    std::string n = ns_;
    ok_ = Sh("mkdir -p /run/sshd && ip netns add " + n + " && ip link add " + vh_ + " type veth peer name " + vp_ +
             " && ip link set " + vp_ + " netns " + n + " && ip addr add " + host_ip_ + "/30 dev " + vh_ +
             " && ip link set " + vh_ + " up && ip -n " + n + " addr add " + ip_ + "/30 dev " + vp_ + " && ip -n " +
             n + " link set " + vp_ + " up && ip -n " + n + " link set lo up && ip netns exec " + n +
             " /usr/sbin/sshd -f " + d + "/sshd_config") == 0;
  }
  ~SshServer() {
    // Kill everything in the namespace, then remove it (its veth goes with it).
    Sh("for p in $(ip netns pids " + ns_ + " 2>/dev/null); do kill -9 $p; done; sleep 0.1; ip netns del " + ns_ +
       " 2>/dev/null; ip link del " + vh_ + " 2>/dev/null; true");
  }
  bool ok() const { return ok_; }
  Endpoint endpoint() const {
    Endpoint e;
    e.host = ip_;
    e.username = "root";
    e.key_pem = client_pem_;
    e.timeout = std::chrono::seconds(5);
    return e;
  }
  const std::filesystem::path& dir() const { return dir_.path(); }
  const std::string& host_public() const { return host_public_; }
  void KillSshd() { Sh("for p in $(ip netns pids " + ns_ + "); do kill -9 $p; done"); }

 private:
  testutil::TempDir dir_;
  std::string ns_, vh_, vp_, ip_, host_ip_, client_pem_, host_public_;
  bool ok_ = false;
};

class SshConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok()) << "cannot start sshd in a netns (needs root, iproute2, openssh-server)";
    // sshd daemonizes before it listens: retry a refused connection for a while.
    auto c = DialSsh(server_.endpoint());
    for (int i = 0; i < 50 && !c.ok() && c.status().code() == util::Status::Code::kUnavailable; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      c = DialSsh(server_.endpoint());
    }
    ASSERT_OK(c);
    conn_ = *c;
  }
  util::Result<int> Run(const std::string& cmd, std::string* out, std::string_view input = "") {
    util::CancelToken never;
    std::mutex mu;
    return conn_->Exec(cmd, input, [&](std::string_view s) { std::lock_guard<std::mutex> l(mu); out->append(s); },
                       never);
  }
  SshServer server_;
  std::shared_ptr<Connection> conn_;
};

TEST_F(SshConnectionTest, ExecReturnsExitCodeAndOutput) {
  std::string out;
  auto rc = Run("echo hello; echo oops >&2; exit 7", &out);
  ASSERT_OK(rc);
  EXPECT_EQ(*rc, 7);
  EXPECT_NE(out.find("hello\n"), std::string::npos) << out;
  EXPECT_NE(out.find("oops\n"), std::string::npos) << out;
  out.clear();
  rc = Run("true", &out);
  ASSERT_OK(rc);
  EXPECT_EQ(*rc, 0);
  EXPECT_EQ(out, "");
}

TEST_F(SshConnectionTest, ExecFeedsStdin) {
  std::string out;
  auto rc = Run("cat", &out, "line one\nline two\n");
  ASSERT_OK(rc);
  EXPECT_EQ(*rc, 0);
  EXPECT_EQ(out, "line one\nline two\n");
  std::string big(3 << 20, 'x');
  out.clear();
  rc = Run("wc -c", &out, big);
  ASSERT_OK(rc);
  EXPECT_EQ(std::stol(out), static_cast<long>(big.size()));
}

TEST_F(SshConnectionTest, ExecStreamsOutputBeforeExit) {
  util::CancelToken never;
  std::chrono::steady_clock::time_point first_at{};
  auto rc = conn_->Exec("echo first; sleep 1; echo second", "",
                        [&](std::string_view s) {
                          if (s.find("first") != std::string_view::npos) first_at = std::chrono::steady_clock::now();
                        },
                        never);
  auto done = std::chrono::steady_clock::now();
  ASSERT_OK(rc);
  ASSERT_NE(first_at, std::chrono::steady_clock::time_point{});
  EXPECT_GT(done - first_at, std::chrono::milliseconds(700));  // "first" came before the sleep ended
}

TEST_F(SshConnectionTest, CancelKillsRemoteProcessTree) {
  // A unique marker: `sleep <N>` in the background and in the foreground.
  std::string secs = std::to_string(800000 + getpid() % 100000);
  std::string marker = std::string("sleep") + '\0' + secs + '\0';
  util::CancelToken cancel;
  std::atomic<bool> started{false};
  std::thread canceller([&] {
    for (int i = 0; i < 100 && !started; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int i = 0; i < 40 && CountProcesses(marker) < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel.Cancel("test");
  });
  auto t0 = std::chrono::steady_clock::now();
  auto rc = conn_->Exec("sleep " + secs + " & echo started; sleep " + secs, "",
                        [&](std::string_view s) {
                          if (s.find("started") != std::string_view::npos) started = true;
                        },
                        cancel);
  canceller.join();
  EXPECT_EQ(rc.status().code(), util::Status::Code::kCancelled) << rc.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  EXPECT_TRUE(started);
  int left = CountProcesses(marker);
  for (int i = 0; i < 40 && left > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = CountProcesses(marker);
  }
  EXPECT_EQ(left, 0) << "the remote sleeps survived the cancel";
  std::string out;  // the connection still works afterwards
  auto again = Run("echo still", &out);
  ASSERT_OK(again);
  EXPECT_EQ(out, "still\n");
}

TEST_F(SshConnectionTest, ConcurrentExecsFromSeveralThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        std::string out;
        util::CancelToken never;
        auto rc = conn_->Exec("echo " + std::to_string(t * 10 + i), "", [&](std::string_view s) { out.append(s); },
                              never);
        if (rc.ok() && *rc == 0 && out == std::to_string(t * 10 + i) + "\n") ++good;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(good, 20);
}

TEST_F(SshConnectionTest, DialUnixReachesASocketOnTheInstance) {
  std::string path = (server_.dir() / "echo.sock").string();
  testpeer::UnixEchoServer echo(path);
  ASSERT_TRUE(echo.ok());
  auto s = conn_->DialUnix(path);
  ASSERT_OK(s);
  std::string payload(200000, 'p');
  ASSERT_OK((*s)->WriteAll(payload));
  std::string got;
  char buf[8192];
  for (int i = 0; i < 10000 && got.size() < payload.size(); ++i) {
    auto n = (*s)->Read(buf, sizeof(buf));
    ASSERT_OK(n);
    if (*n == 0) break;
    got.append(buf, *n);
  }
  EXPECT_EQ(got, payload);
  (*s)->Close();
  EXPECT_EQ(echo.accepted(), 1);
  auto missing = conn_->DialUnix((server_.dir() / "nothing.sock").string());
  EXPECT_FALSE(missing.ok());
}

TEST_F(SshConnectionTest, CloseUnblocksAReader) {
  std::string path = (server_.dir() / "quiet.sock").string();
  testpeer::UnixEchoServer echo(path);
  auto s = conn_->DialUnix(path);
  ASSERT_OK(s);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (*s)->Close();
  });
  char buf[16];
  auto n = (*s)->Read(buf, sizeof(buf));
  closer.join();
  ASSERT_OK(n);
  EXPECT_EQ(*n, 0u);
}

TEST_F(SshConnectionTest, DockerPingThroughTheTunnel) {
  // The instance's docker socket is the host's (a netns shares the filesystem).
  std::string local = testpeer::HttpGetUnix("/var/run/docker.sock", "/_ping");
  ASSERT_NE(local.find("OK"), std::string::npos) << "dockerd does not answer: run scripts/services.sh";
  auto s = conn_->DialUnix("/var/run/docker.sock");
  ASSERT_OK(s);
  ASSERT_OK((*s)->WriteAll("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"));
  std::string got;
  char buf[4096];
  for (int i = 0; i < 100; ++i) {
    auto n = (*s)->Read(buf, sizeof(buf));
    ASSERT_OK(n);
    if (*n == 0) break;
    got.append(buf, *n);
  }
  EXPECT_EQ(got.rfind("HTTP/1.0 200", 0), 0u) << got;
  EXPECT_EQ(got.substr(got.size() - 2), "OK");
}

TEST_F(SshConnectionTest, PingAndALostInstance) {
  EXPECT_OK(conn_->Ping());
  server_.KillSshd();
  auto t0 = std::chrono::steady_clock::now();
  util::Status st = conn_->Ping();
  EXPECT_EQ(st.code(), util::Status::Code::kUnavailable) << st.ToString();
  std::string out;
  auto rc = Run("true", &out);
  EXPECT_FALSE(rc.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(20));
}

TEST_F(SshConnectionTest, WrongKeyIsRefused) {
  auto other = GenerateKeyPair("");
  ASSERT_OK(other);
  Endpoint e = server_.endpoint();
  e.key_pem = other->private_pem;
  auto c = DialSsh(e);
  EXPECT_EQ(c.status().code(), util::Status::Code::kPermissionDenied) << c.status().ToString();
  e.key_pem = "not a key";
  EXPECT_EQ(DialSsh(e).status().code(), util::Status::Code::kInvalidArgument);
}

// No trust on first use: with the host key the fleet gave the instance, that key is the
// only one accepted, from the very first handshake on.
TEST_F(SshConnectionTest, OnlyTheExpectedHostKeyIsAccepted) {
  Endpoint e = server_.endpoint();
  e.host_key = server_.host_public() + " instance-host-key";
  auto good = DialSsh(e);
  ASSERT_OK(good);
  std::string out;
  util::CancelToken never;
  EXPECT_OK((*good)->Exec("true", "", [&](std::string_view s) { out.append(s); }, never));

  auto other = GenerateKeyPair("");
  ASSERT_OK(other);
  e.host_key = other->public_line;  // what the fleet expected; this sshd is someone else
  auto c = DialSsh(e);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), util::Status::Code::kPermissionDenied) << c.status().ToString();
  EXPECT_TRUE(IsHostKeyMismatch(c.status())) << c.status().ToString();
  EXPECT_NE(c.status().message().find("the server presented SHA256:"), std::string::npos) << c.status().ToString();
  EXPECT_FALSE(IsHostKeyMismatch(util::Status::PermissionDenied("authentication refused")));

  e.host_key = "ssh-ed25519 not-base64!";
  EXPECT_EQ(DialSsh(e).status().code(), util::Status::Code::kInvalidArgument);
}

TEST(SshDialTest, NobodyListeningIsUnavailable) {
  Endpoint e;
  e.host = "127.0.0.1";
  e.port = 1;  // nothing listens on port 1 here
  e.username = "root";
  e.password = "x";
  e.timeout = std::chrono::seconds(2);
  EXPECT_EQ(DialSsh(e).status().code(), util::Status::Code::kUnavailable);
}

TEST(SshKeysTest, GeneratesEd25519Pairs) {
  auto a = GenerateKeyPair("fleet-a");
  ASSERT_OK(a);
  EXPECT_EQ(a->private_pem.rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0), 0u);
  EXPECT_EQ(a->public_line.rfind("ssh-ed25519 ", 0), 0u);
  EXPECT_EQ(a->public_line.substr(a->public_line.size() - 8), " fleet-a");
  auto again = PublicLineOf(a->private_pem, "fleet-a");
  ASSERT_OK(again);
  EXPECT_EQ(*again, a->public_line);
  auto b = GenerateKeyPair("");
  ASSERT_OK(b);
  EXPECT_NE(b->private_pem, a->private_pem);
  EXPECT_EQ(PublicLineOf("garbage", "").status().code(), util::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace connect
