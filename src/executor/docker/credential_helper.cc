#include "executor/docker/credential_helper.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

extern char** environ;

namespace executor::docker {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() { Close(); }
  void Close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

// A helper that exits without reading stdin must not kill the manager with SIGPIPE: block it
// on this thread for the write and consume the one it raised (the process disposition stays).
void WriteIgnoringSigpipe(int fd, const std::string& data) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = ::write(fd, data.data(), data.size());  // a line: fits in the pipe, never blocks
  if (n < 0 && errno == EPIPE) {
    timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

}  // namespace

util::Result<std::optional<std::pair<std::string, std::string>>> RunCredentialHelper(
    const std::string& name, const std::string& registry, std::chrono::milliseconds timeout) {
  std::string program = "docker-credential-" + name;
  const std::string what = "credential helper " + program + " for registry " + registry;
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) return util::Status::IOError(what + ": pipe: " + std::strerror(errno));
  Fd in_r{in_pipe[0]}, in_w{in_pipe[1]};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return util::Status::IOError(what + ": pipe: " + std::strerror(errno));
  Fd out_r{out_pipe[0]}, out_w{out_pipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);  // may echo secrets
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setpgroup(&attr, 0);  // its own group: a timeout kills what it started too
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  std::string get = "get";
  char* argv[] = {program.data(), get.data(), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    if (rc == ENOENT) return util::Status::NotFound(what + ": " + program + " not found in PATH");
    return util::Status::IOError(what + ": cannot start: " + std::strerror(rc));
  }
  in_r.Close();
  out_w.Close();
  // The registry is a line; a helper that does not read it still gets EOF when we close.
  std::string input = registry + "\n";
  WriteIgnoringSigpipe(in_w.fd, input);
  in_w.Close();

  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out_r.fd, POLLIN, 0};
    int n = ::poll(&p, 1, int(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    char buf[4096];
    ssize_t got = ::read(out_r.fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (out.size() < (1 << 20)) out.append(buf, size_t(got));
  }
  // A helper that closed stdout may still linger: the bound holds for its exit too.
  int status = 0;
  while (!timed_out) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      timed_out = true;
      break;
    }
    ::usleep(10 * 1000);
  }
  if (timed_out) {
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (timed_out) {
    return util::Status::DeadlineExceeded(what + ": no answer within " + std::to_string(timeout.count()) +
                                          " ms, killed");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    if (out.find("credentials not found") != std::string::npos) {
      return std::optional<std::pair<std::string, std::string>>();
    }
    std::string how = WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status))
                                        : "killed by signal " + std::to_string(WTERMSIG(status));
    return util::Status::Internal(what + ": " + how);
  }
  nlohmann::json doc = nlohmann::json::parse(out, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("Secret") || !doc["Secret"].is_string() ||
      (doc.contains("Username") && !doc["Username"].is_string())) {
    return util::Status::Internal(what + ": answer is not JSON with \"Username\" and \"Secret\"");
  }
  return std::optional<std::pair<std::string, std::string>>(
      std::pair{doc.value("Username", std::string()), doc["Secret"].get<std::string>()});
}

}  // namespace executor::docker
