#pragma once
// Test peers for connect/ssh tests that cannot include <sys/socket.h> themselves (see
// sshio.h: it clashes with namespace connect). Implemented in test_peer_test.cc.
#include <atomic>
#include <string>
#include <thread>

namespace testpeer {

// Serves a unix socket at `path` that echoes every byte back, one client at a time,
// until destroyed (then the socket file is removed).
class UnixEchoServer {
 public:
  explicit UnixEchoServer(std::string path);
  ~UnixEchoServer();
  bool ok() const { return fd_ >= 0; }
  int accepted() const { return accepted_; }

 private:
  std::string path_;
  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

// Sends a raw HTTP/1.0 GET to the unix socket `path` and returns the whole answer.
std::string HttpGetUnix(const std::string& path, const std::string& target);

}  // namespace testpeer
