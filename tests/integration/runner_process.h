#pragma once
// `spotrunner run` as a child process, for tests of what only a real process has:
// signals, exit codes, a restart, an environment of its own. Its output goes to a log file
// beside the config.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace itest {

class RunnerProcess {
 public:
  // `env`: NAME=VALUE entries that replace or add to this process's environment in the child's.
  RunnerProcess(const std::string& config_path, const std::string& working_dir, const std::string& log_path,
                const std::vector<std::string>& extra_args = {}, const std::vector<std::string>& env = {})
      : log_path_(log_path) {
    std::vector<std::string> args = {std::string(SR_BINARY_DIR) + "/spotrunner", "run", "--config", config_path,
                                     "--working-directory", working_dir, "--log-level", "debug"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<std::string> child_env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry(*e);
      std::string name = entry.substr(0, entry.find('=') + 1);
      bool replaced = false;
      for (const auto& o : env) replaced = replaced || o.rfind(name, 0) == 0;
      if (!replaced) child_env.push_back(entry);
    }
    child_env.insert(child_env.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : child_env) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(fd, 1);
      dup2(fd, 2);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }
  ~RunnerProcess() {
    if (pid_ > 0 && !exit_status_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void Signal(int sig) { kill(pid_, sig); }

  // The exit code once the process ended within `timeout`; nullopt while it runs.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exit_status_) {
      int st = 0;
      pid_t r = waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        exit_status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return exit_status_;
  }

  const std::string& log_path() const { return log_path_; }
  pid_t pid() const { return pid_; }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
};

}  // namespace itest
