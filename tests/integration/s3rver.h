#pragma once
// s3rver (npm, installed into node_modules by scripts/npm_deps.sh) as a child process on
// 127.0.0.1 with a port the OS picks, a fresh data directory and one bucket. Stopped
// (process group killed and reaped) and its directory removed on destruction.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "util/testing/test_util.h"

namespace itest {

class S3rver {
 public:
  explicit S3rver(const std::string& bucket) : bucket_(bucket) {
    std::string bin = std::string(SR_SOURCE_DIR) + "/node_modules/.bin/s3rver";
    std::string data = (dir_.path() / "data").string();
    std::vector<std::string> args = {bin, "-d", data, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket};
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      setpgid(0, 0);
      dup2(out[1], 1);
      int null = open("/dev/null", O_WRONLY);
      dup2(null, 2);
      close(out[0]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    // "S3rver listening on 127.0.0.1:<port>", within 30 s.
    std::string text;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      text.append(buf, static_cast<size_t>(n));
      size_t at = text.find("listening on 127.0.0.1:");
      if (at != std::string::npos && text.find('\n', at) != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + 23);
      }
    }
    out_fd_ = out[0];  // kept open so s3rver never writes into a closed pipe
  }
  ~S3rver() {
    if (pid_ > 0) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) close(out_fd_);
  }
  S3rver(const S3rver&) = delete;
  S3rver& operator=(const S3rver&) = delete;

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // Unsigned (anonymous) URL of an object; s3rver serves anonymous requests.
  std::string ObjectUrl(const std::string& object) const {
    return "http://" + address() + "/" + bucket_ + "/" + object;
  }
  // The [runners.cache] TOML for this server.
  std::string CacheToml(bool shared, const std::string& access_key = "S3RVER", const std::string& bucket = "") const {
    return "[runners.cache]\n  Type = \"s3\"\n  Shared = " + std::string(shared ? "true" : "false") +
           "\n  [runners.cache.s3]\n    ServerAddress = \"" + address() + "\"\n    AccessKey = \"" + access_key +
           "\"\n    SecretKey = \"S3RVER\"\n    BucketName = \"" + (bucket.empty() ? bucket_ : bucket) +
           "\"\n    Insecure = true\n";
  }

 private:
  testutil::TempDir dir_;
  std::string bucket_;
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
};

}  // namespace itest
