#include "executor/shell/shell_executor.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace executor {
namespace {

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

std::vector<std::string> CleanEnvironment() {
  std::vector<std::string> env;
  const char* path = std::getenv("PATH");
  env.push_back(std::string("PATH=") + (path != nullptr && *path ? path : kDefaultPath));
  for (const char* key : {"HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"}) {
    if (const char* v = std::getenv(key)) env.push_back(std::string(key) + "=" + v);
  }
  return env;
}

// Waits for `pid` up to `d`; true when it was reaped (status in *status).
bool WaitFor(pid_t pid, std::chrono::milliseconds d, int* status) {
  auto deadline = std::chrono::steady_clock::now() + d;
  while (true) {
    pid_t r = waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    usleep(10000);
  }
}

}  // namespace

std::string FindInPath(const std::string& name, const std::string& path_list) {
  size_t start = 0;
  while (start <= path_list.size()) {
    size_t end = path_list.find(':', start);
    if (end == std::string::npos) end = path_list.size();
    std::string dir = path_list.substr(start, end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/" + name;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return "";
}

ShellExecutor::ShellExecutor(const config::RunnerConfig& runner, std::string working_dir, std::string job_user)
    : working_dir_(std::move(working_dir)), job_user_name_(std::move(job_user)) {
  const char* p = std::getenv("PATH");
  std::string path = p != nullptr && *p ? p : kDefaultPath;
  std::string bash = runner.shell == "sh" ? "" : FindInPath("bash", path);
  if (!bash.empty()) {
    shell_ = "bash";
    shell_path_ = bash;
  } else {
    shell_ = "sh";
    shell_path_ = FindInPath("sh", path);
    if (shell_path_.empty()) shell_path_ = "/bin/sh";
  }
  builds_root_ = runner.builds_dir.empty() ? working_dir_ + "/builds" : runner.builds_dir;
}

ShellExecutor::~ShellExecutor() { Cleanup(); }

util::Status ShellExecutor::EnsureTempDir() {
  if (!temp_dir_.empty()) return util::Status::Ok();
  std::string tmpl = (std::filesystem::temp_directory_path() / "spotrunner-shell-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return util::Status::IOError(Errno("creating the script dir"));
  temp_dir_ = tmpl;  // mkdtemp makes it 0700
  return util::Status::Ok();
}

util::Status ShellExecutor::ResolveJobUser() {
  if (job_user_name_.empty() || job_user_) return util::Status::Ok();
  const std::string where = "shell executor: job user \"" + job_user_name_ + "\" (run --user, or user in config.toml)";
  std::vector<char> buf(16 * 1024);
  passwd pw{};
  passwd* found = nullptr;
  if (getpwnam_r(job_user_name_.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
    return util::Status::InvalidArgument(where + " does not exist on this host");
  JobUser u;
  u.name = pw.pw_name;
  u.home = pw.pw_dir != nullptr ? pw.pw_dir : "/";
  u.uid = pw.pw_uid;
  u.gid = pw.pw_gid;
  if (geteuid() != 0 && u.uid != geteuid())
    return util::Status::InvalidArgument(where + ": switching to it needs the manager to run as root");
  int n = 64;
  u.groups.resize(static_cast<size_t>(n));
  if (getgrouplist(u.name.c_str(), u.gid, u.groups.data(), &n) < 0) {
    u.groups.resize(static_cast<size_t>(n));
    if (getgrouplist(u.name.c_str(), u.gid, u.groups.data(), &n) < 0)
      return util::Status::Internal(where + ": cannot read its groups");
  }
  u.groups.resize(static_cast<size_t>(n));
  job_user_ = std::move(u);
  return util::Status::Ok();
}

util::Status ShellExecutor::Prepare(const PrepareRequest&, OutputSink& out, const util::CancelToken&) {
  SR_RETURN_IF_ERROR(ResolveJobUser());
  SR_RETURN_IF_ERROR(EnsureTempDir());
  if (job_user_) {
    // The scripts are written here by the manager and read by the job user's shell; the
    // builds dir is where its clone goes (made for it when missing, as the user's own
    // working directory would be under gitlab-runner).
    if (chown(temp_dir_.c_str(), job_user_->uid, job_user_->gid) != 0)
      return util::Status::IOError(Errno("giving " + temp_dir_ + " to " + job_user_->name));
    std::error_code ec;
    if (!std::filesystem::exists(builds_root_, ec)) {
      std::filesystem::create_directories(builds_root_, ec);
      if (ec || chown(builds_root_.c_str(), job_user_->uid, job_user_->gid) != 0)
        return util::Status::IOError("making the builds dir " + builds_root_ + " for " + job_user_->name + ": " +
                                     (ec ? ec.message() : std::strerror(errno)));
    }
  }
  out.Write("Using Shell (" + shell_ + ") executor...\n");
  return util::Status::Ok();
}

util::Result<int> ShellExecutor::Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) {
  SR_RETURN_IF_ERROR(EnsureTempDir());
  if (cancel.cancelled()) return util::Status::Cancelled("cancelled before " + req.stage);
  const std::string script = temp_dir_ + "/script-" + std::to_string(++script_seq_) + "-" + req.stage;
  {
    int fd = open(script.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
    if (fd < 0) return util::Status::IOError(Errno("writing " + script));
    size_t done = 0;
    while (done < req.script.size()) {
      ssize_t n = write(fd, req.script.data() + done, req.script.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fd);
        unlink(script.c_str());
        return util::Status::IOError(Errno("writing " + script));
      }
      done += static_cast<size_t>(n);
    }
    close(fd);
  }
  struct Unlinker {
    std::string path;
    ~Unlinker() { unlink(path.c_str()); }
  } unlinker{script};

  // Everything the child needs is prepared before fork: it only calls async-signal-safe
  // functions afterwards.
  if (!job_user_name_.empty() && !job_user_) SR_RETURN_IF_ERROR(ResolveJobUser());
  std::vector<std::string> env = CleanEnvironment();
  std::string arg0 = shell_, arg1 = script, login = shell_ == "bash" ? "--login" : "-l";
  std::vector<char*> argv = {arg0.data(), arg1.data(), nullptr};
  if (job_user_) {
    if (chown(script.c_str(), job_user_->uid, job_user_->gid) != 0)
      return util::Status::IOError(Errno("giving " + script + " to " + job_user_->name));
    // The user's own identity, as a login shell of it would have.
    std::erase_if(env, [](const std::string& e) {
      return e.rfind("HOME=", 0) == 0 || e.rfind("USER=", 0) == 0 || e.rfind("LOGNAME=", 0) == 0;
    });
    env.push_back("HOME=" + job_user_->home);
    env.push_back("USER=" + job_user_->name);
    env.push_back("LOGNAME=" + job_user_->name);
    env.push_back("SHELL=" + shell_path_);
    argv = {arg0.data(), login.data(), arg1.data(), nullptr};
  }
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string workdir = working_dir_;
  const JobUser* as = job_user_ ? &*job_user_ : nullptr;
  static constexpr char kSwitchFailed[] = "spotrunner: cannot switch to the job user\n";

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return util::Status::Internal(Errno("pipe"));
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return util::Status::Internal(Errno("fork"));
  }
  if (pid == 0) {
    setsid();
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close_range(3, ~0U, 0);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (as != nullptr &&
        (setgroups(as->groups.size(), as->groups.data()) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0)) {
      (void)!write(2, kSwitchFailed, sizeof(kSwitchFailed) - 1);
      _exit(126);
    }
    if (chdir(workdir.c_str()) != 0 && chdir("/") != 0) _exit(127);
    execve(shell_path_.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  // The child is the leader of its own group: -pid reaches it and everything it started.
  setpgid(pid, pid);  // harmless if setsid already did it; closes the race otherwise

  std::vector<char> buf(64 * 1024);
  bool eof = false, exited = false, cancelled = false;
  int status = 0;
  while (!eof) {
    if (!cancelled && cancel.cancelled()) {
      cancelled = true;
      kill(-pid, SIGTERM);
      if (!WaitFor(pid, kill_grace_, &status)) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
      exited = true;
      kill(-pid, SIGKILL);  // whatever survived SIGTERM in the group
    }
    if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
      kill(-pid, SIGKILL);  // background leftovers would keep the pipe open
    }
    pollfd pfd{fds[0], POLLIN, 0};
    int r = poll(&pfd, 1, exited ? 200 : 50);
    if (r < 0 && errno != EINTR) break;
    if (r <= 0) {
      if (exited && r == 0) break;  // every writer is gone or stuck: stop reading
      continue;
    }
    ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n > 0) {
      out.Write(std::string_view(buf.data(), static_cast<size_t>(n)));
    } else if (n == 0 || errno != EINTR) {
      eof = true;
    }
  }
  close(fds[0]);
  // Output closed early (e.g. `exec >/dev/null`): wait for the script, still cancellable.
  while (!exited) {
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exited = true;
    } else if (cancel.cancelled()) {
      cancelled = true;
      kill(-pid, SIGTERM);
      if (!WaitFor(pid, kill_grace_, &status)) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
      }
      exited = true;
    } else {
      usleep(20000);
    }
    if (exited) kill(-pid, SIGKILL);
  }
  if (cancelled) return util::Status::Cancelled("stage " + req.stage + " cancelled: " + cancel.reason());
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return util::Status::Internal("stage " + req.stage + ": unknown wait status " + std::to_string(status));
}

void ShellExecutor::Cleanup() {
  if (temp_dir_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(temp_dir_, ec);
  temp_dir_.clear();
}

}  // namespace executor
