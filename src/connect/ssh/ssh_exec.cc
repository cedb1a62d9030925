#include <libssh/libssh.h>
#include <poll.h>

#include <chrono>
#include <cstdlib>
#include <optional>

#include "connect/ssh/channel_stream.h"
#include "connect/ssh/session_pool.h"
#include "connect/ssh/sshio.h"

namespace sshio {
namespace {

constexpr int kPollMs = 100;
constexpr auto kKillWait = std::chrono::seconds(5);  // for the pgid line and for the kill command
// After this long without a byte from the command, one round trip (opening a second channel)
// checks that the instance is still there: a vanished host sends no RST.
constexpr auto kSilenceProbe = std::chrono::seconds(20);

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

// Runs `command` in a new session (so its process group id is its pid) under /bin/sh and
// prints that pid as the first stdout line. The user's shell gets this as `-c` (not a login
// shell) and only execs.
std::string Wrap(const std::string& command) {
  return "exec setsid -w /bin/sh -c 'echo $$; exec /bin/sh -c \"$1\"' sr-exec " + ShellQuote(command);
}

void KillGroup(ssh_session session, long pgid) {
  ChannelPtr ch(ssh_channel_new(session));
  if (!ch || ssh_channel_open_session(ch.get()) != SSH_OK) return;
  std::string cmd = "kill -KILL -- -" + std::to_string(pgid) + " 2>/dev/null; exit 0";
  if (ssh_channel_request_exec(ch.get(), cmd.c_str()) != SSH_OK) return;
  auto deadline = std::chrono::steady_clock::now() + kKillWait;
  char buf[256];
  while (std::chrono::steady_clock::now() < deadline && !ssh_channel_is_eof(ch.get())) {
    if (ssh_channel_read_timeout(ch.get(), buf, sizeof(buf), 0, kPollMs) < 0) break;
  }
}

}  // namespace

util::Result<int> Exec(SessionPool& pool, const std::string& command, std::string_view input,
                       const std::function<void(std::string_view)>& out, const util::CancelToken& cancel) {
  SessionPtr session;
  ChannelPtr ch;
  SR_RETURN_IF_ERROR(OpenChannel(pool, [](ssh_channel c) { return ssh_channel_open_session(c); }, &session, &ch));
  if (ssh_channel_request_exec(ch.get(), Wrap(command).c_str()) != SSH_OK) {
    return util::Status::Unavailable(pool.Where() + ": exec refused: " + ssh_get_error(session.get()));
  }
  long pgid = -1;
  std::string first_line;  // stdout until the pgid line is complete
  bool eof_sent = false;
  std::optional<std::chrono::steady_clock::time_point> cancel_deadline;
  char buf[16384];
  auto last_heard = std::chrono::steady_clock::now();
  while (true) {
    if (cancel.cancelled()) {
      if (!cancel_deadline) cancel_deadline = std::chrono::steady_clock::now() + kKillWait;
      if (pgid > 0 || std::chrono::steady_clock::now() > *cancel_deadline) {
        if (pgid > 0) KillGroup(session.get(), pgid);
        ch.reset();
        pool.Release(std::move(session));
        return util::Status::Cancelled("command cancelled: " + cancel.reason());
      }
    }
    bool progress = false;
    if (!eof_sent) {
      if (input.empty()) {
        ssh_channel_send_eof(ch.get());
        eof_sent = true;
      } else {
        uint32_t window = ssh_channel_window_size(ch.get());
        if (window > 0) {
          int n = ssh_channel_write(ch.get(), input.data(), static_cast<uint32_t>(std::min<size_t>(input.size(), window)));
          if (n < 0) return util::Status::Unavailable(pool.Where() + ": stdin: " + ssh_get_error(session.get()));
          input.remove_prefix(static_cast<size_t>(n));
          progress = true;
        }
      }
    }
    for (int is_stderr = 0; is_stderr < 2; ++is_stderr) {
      int n = ssh_channel_read_nonblocking(ch.get(), buf, sizeof(buf), is_stderr);
      if (n == SSH_ERROR) {
        return util::Status::Unavailable(pool.Where() + ": connection lost: " + ssh_get_error(session.get()));
      }
      if (n <= 0) continue;
      progress = true;
      std::string_view data(buf, static_cast<size_t>(n));
      if (!is_stderr && pgid < 0) {
        first_line.append(data);
        size_t nl = first_line.find('\n');
        if (nl == std::string::npos) continue;
        pgid = std::strtol(first_line.c_str(), nullptr, 10);
        if (pgid <= 0) pgid = 0;  // not our wrapper's line: never kill "-0"
        std::string rest = first_line.substr(nl + 1);
        first_line.clear();
        if (!rest.empty()) out(rest);
        continue;
      }
      out(data);
    }
    if (progress) {
      last_heard = std::chrono::steady_clock::now();
      continue;
    }
    if (ssh_channel_is_eof(ch.get()) || !ssh_channel_is_open(ch.get())) break;
    if (std::chrono::steady_clock::now() - last_heard > kSilenceProbe) {
      ChannelPtr probe(ssh_channel_new(session.get()));
      if (!probe || ssh_channel_open_session(probe.get()) != SSH_OK) {
        return util::Status::Unavailable(pool.Where() + ": no answer from the instance: " +
                                         ssh_get_error(session.get()));
      }
      last_heard = std::chrono::steady_clock::now();
    }
    pollfd p{ssh_get_fd(session.get()), POLLIN, 0};
    if (p.fd < 0) return util::Status::Unavailable(pool.Where() + ": connection lost");
    poll(&p, 1, kPollMs);
  }
  int status = ssh_channel_get_exit_status(ch.get());
  bool connected = ssh_is_connected(session.get());
  ch.reset();
  if (!connected) return util::Status::Unavailable(pool.Where() + ": connection lost before the exit status");
  pool.Release(std::move(session));
  return status < 0 ? 255 : status;  // no exit-status: killed by a signal (like ssh(1))
}

util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::shared_ptr<SessionPool>& pool,
                                                         const std::string& path) {
  SessionPtr session;
  ChannelPtr ch;
  auto st = OpenChannel(
      *pool, [&path](ssh_channel c) { return ssh_channel_open_forward_unix(c, path.c_str(), "127.0.0.1", 0); },
      &session, &ch);
  if (!st.ok()) return st.WithContext("unix socket " + path);
  return std::unique_ptr<util::ByteStream>(new ChannelStream(pool, std::move(session), std::move(ch)));
}

util::Status Ping(SessionPool& pool) {
  SessionPtr session;
  ChannelPtr ch;
  SR_RETURN_IF_ERROR(OpenChannel(pool, [](ssh_channel c) { return ssh_channel_open_session(c); }, &session, &ch));
  ch.reset();
  pool.Release(std::move(session));
  return util::Status::Ok();
}


util::Result<std::shared_ptr<SessionPool>> Dial(const Target& t) {
  auto pool = std::make_shared<SessionPool>(t);
  auto s = pool->DialNew();
  if (!s.ok()) return s.status();
  pool->Release(std::move(*s));
  return pool;
}

}  // namespace sshio
