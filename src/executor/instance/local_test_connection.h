#pragma once
// A connect::Connection for tests that runs each command with `sh -c` on this host, in
// its own process group, as sshd would on an instance (stdin fed then closed, stdout and
// stderr merged) and dials unix sockets of this host. Cancel kills the command's group; `Break()` makes every later call fail
// with kUnavailable, like an instance that disappeared. Header-only, test use only.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <vector>

#include "connect/connection.h"
#include "util/unix_socket_stream.h"

namespace executor::testing {

class LocalTestConnection final : public connect::Connection {
 public:
  std::atomic<int> execs{0};

  void Break() { broken_ = true; }

  util::Result<int> Exec(const std::string& command, std::string_view input, const connect::OutputFn& out,
                         const util::CancelToken& cancel) override {
    ++execs;
    if (broken_) return util::Status::Unavailable("connection to the instance is broken");
    int in[2], outp[2];
    if (pipe2(in, O_CLOEXEC) != 0) return util::Status::Internal("pipe");
    if (pipe2(outp, O_CLOEXEC) != 0) {
      close(in[0]);
      close(in[1]);
      return util::Status::Internal("pipe");
    }
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);
      dup2(in[0], 0);
      dup2(outp[1], 1);
      dup2(outp[1], 2);
      close_range(3, ~0U, 0);
      for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) signal(sig, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(in[0]);
    close(outp[1]);
    setpgid(pid, pid);
    size_t done = 0;
    signal(SIGPIPE, SIG_IGN);
    while (done < input.size()) {
      ssize_t n = write(in[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(in[1]);
    char buf[4096];
    bool cancelled = false;
    for (;;) {
      if (!cancelled && (cancel.cancelled() || broken_)) {
        cancelled = true;
        kill(-pid, SIGKILL);
      }
      pollfd p{outp[0], POLLIN, 0};
      int r = poll(&p, 1, 50);
      if (r <= 0) continue;
      ssize_t n = read(outp[0], buf, sizeof buf);
      if (n <= 0) break;
      out(std::string_view(buf, static_cast<size_t>(n)));
    }
    close(outp[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (broken_) return util::Status::Unavailable("connection to the instance broke");
    if (cancelled) return util::Status::Cancelled("command cancelled");
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }

  util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::string& path) override {
    if (broken_) return util::Status::Unavailable("connection to the instance is broken");
    return util::UnixSocketDialer(path).Dial();
  }

  util::Status Ping() override {
    if (broken_) return util::Status::Unavailable("instance does not answer");
    return util::Status::Ok();
  }

 private:
  std::atomic<bool> broken_{false};
};

}  // namespace executor::testing
