#include "executor/instance/instance_executor.h"

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

namespace executor {

namespace {

// Collects a short command's output (bounded: probes answer in a few lines).
struct Collector {
  std::mutex mu;
  std::string text;
  connect::OutputFn Fn() {
    return [this](std::string_view s) {
      std::lock_guard<std::mutex> l(mu);
      if (text.size() < 64 * 1024) text.append(s);
    };
  }
};

util::Result<int> ExecQuiet(connect::Connection& c, const std::string& cmd, std::string_view input, std::string* output) {
  Collector col;
  util::CancelToken never;
  util::Result<int> r = c.Exec(cmd, input, col.Fn(), never);
  if (output) *output = col.text;
  return r;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Stage names become file names: keep [A-Za-z0-9_-].
std::string FileSafe(const std::string& s) {
  std::string out;
  for (char c : s) out += (isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : '_';
  return out;
}

}  // namespace

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

InstanceExecutor::InstanceExecutor(std::shared_ptr<connect::Connection> conn) : conn_(std::move(conn)) {}

InstanceExecutor::~InstanceExecutor() { Cleanup(); }

util::Result<std::unique_ptr<InstanceExecutor>> InstanceExecutor::Open(const config::RunnerConfig& runner,
                                                                       std::shared_ptr<connect::Connection> conn) {
  std::unique_ptr<InstanceExecutor> e(new InstanceExecutor(std::move(conn)));
  const std::string probe =
      "d=$(mktemp -d \"${TMPDIR:-/tmp}/spotrunner-XXXXXXXX\") || exit 3; echo \"dir=$d\"; echo \"home=$HOME\"; "
      "if command -v bash >/dev/null 2>&1; then echo shell=bash; else echo shell=sh; fi";
  std::string out;
  auto rc = ExecQuiet(*e->conn_, probe, "", &out);
  if (!rc.ok()) return rc.status().WithContext("probing the instance");
  std::map<std::string, std::string> kv;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) kv[line.substr(0, eq)] = Trim(line.substr(eq + 1));
  }
  if (*rc != 0 || kv["dir"].empty() || kv["dir"][0] != '/') {
    return util::Status::Internal("probing the instance: exit code " + std::to_string(*rc) + ", output \"" +
                                  Trim(out).substr(0, 200) + "\"");
  }
  e->temp_dir_ = kv["dir"];
  e->shell_ = (runner.shell != "sh" && kv["shell"] == "bash") ? "bash" : "sh";
  std::string home = kv["home"].empty() ? "/root" : kv["home"];
  e->builds_root_ = runner.builds_dir.empty() ? home + "/builds" : runner.builds_dir;
  return e;
}

util::Status InstanceExecutor::Prepare(const PrepareRequest&, OutputSink& out, const util::CancelToken& cancel) {
  if (cancel.cancelled()) return util::Status::Cancelled("cancelled before prepare");
  out.Write("Using Shell (" + shell_ + ") executor on the instance...\n");
  return util::Status::Ok();
}

void InstanceExecutor::KillSession(const std::string& pid_file) {
  const int wait_ticks = 20;  // for the pid file: the script may be starting (2 s)
  const int grace_ticks = static_cast<int>(kill_grace_.count() / 100);
  std::string pf = ShellQuote(pid_file);
  std::string cmd = "i=0; while [ ! -s " + pf + " ] && [ $i -lt " + std::to_string(wait_ticks) +
                    " ]; do sleep 0.1; i=$((i+1)); done; p=$(cat " + pf +
                    " 2>/dev/null) || exit 0; [ -n \"$p\" ] || exit 0; kill -TERM -$p 2>/dev/null; i=0; "
                    "while kill -0 -$p 2>/dev/null && [ $i -lt " +
                    std::to_string(grace_ticks) + " ]; do sleep 0.1; i=$((i+1)); done; kill -KILL -$p 2>/dev/null; exit 0";
  (void)ExecQuiet(*conn_, cmd, "", nullptr);
}

util::Result<int> InstanceExecutor::Run(const RunRequest& req, OutputSink& out, const util::CancelToken& cancel) {
  if (temp_dir_.empty()) return util::Status::FailedPrecondition("instance executor already cleaned up");
  if (cancel.cancelled()) return util::Status::Cancelled("cancelled before " + req.stage);
  const std::string file = temp_dir_ + "/script-" + std::to_string(++script_seq_) + "-" + FileSafe(req.stage);
  const std::string qf = ShellQuote(file);
  std::string upload_out;
  auto up = ExecQuiet(*conn_, "umask 077 && cat > " + qf, req.script, &upload_out);
  if (!up.ok()) return up.status().WithContext("uploading the " + req.stage + " script");
  if (*up != 0) return util::Status::IOError("uploading the " + req.stage + " script: " + Trim(upload_out));

  // The script runs in its own session (pgid = the pid written to <file>.pid), so a
  // cancel reaches everything it started, and leftovers die when it ends.
  const std::string pid_file = file + ".pid";
  const std::string run = "setsid -w sh -c 'echo $$ > \"$0.pid\"; exec " + shell_ + " \"$0\"' " + qf +
                          " </dev/null 2>&1 & w=$!; wait $w; rc=$?; p=$(cat " + ShellQuote(pid_file) +
                          " 2>/dev/null); [ -n \"$p\" ] && kill -KILL -$p 2>/dev/null; rm -f " + qf + " " +
                          ShellQuote(pid_file) + "; exit $rc";

  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    bool fired = false, done = false;
  };
  auto st = std::make_shared<Shared>();
  cancel.OnCancel([st] {
    std::lock_guard<std::mutex> l(st->mu);
    st->fired = true;
    st->cv.notify_all();
  });
  util::CancelToken exec_cancel;
  bool killed = false;
  std::thread watcher([&, st] {
    std::unique_lock<std::mutex> l(st->mu);
    st->cv.wait(l, [&] { return st->fired || st->done; });
    if (st->done) return;
    killed = true;
    l.unlock();
    KillSession(pid_file);
    exec_cancel.Cancel("stage " + req.stage + " cancelled");
  });
  util::Result<int> r = conn_->Exec(run, "", [&out](std::string_view s) { out.Write(s); }, exec_cancel);
  {
    std::lock_guard<std::mutex> l(st->mu);
    st->done = true;
    st->cv.notify_all();
  }
  watcher.join();
  if (killed) return util::Status::Cancelled("stage " + req.stage + " cancelled: " + cancel.reason());
  if (!r.ok()) return r.status().WithContext("stage " + req.stage);
  return *r;
}

void InstanceExecutor::Cleanup() {
  if (temp_dir_.empty()) return;
  (void)ExecQuiet(*conn_, "rm -rf " + ShellQuote(temp_dir_), "", nullptr);
  temp_dir_.clear();
}

}  // namespace executor
