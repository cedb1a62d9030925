#pragma once
// connect::SessionPool: the authenticated libssh sessions of one Connection. A session is
// used by one thread at a time (libssh sessions are not thread-safe): an operation takes
// one (Acquire), uses it alone, and gives it back (Release) when it is still healthy.
// Also where the host key is pinned (see ssh_connection.h). Internal to connect/ssh (namespace sshio: see sshio.h).
#include <libssh/libssh.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connect/ssh/sshio.h"
#include "util/status.h"

namespace sshio {

struct SessionFree {
  void operator()(ssh_session s) const;
};
using SessionPtr = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionFree>;

struct ChannelFree {
  void operator()(ssh_channel c) const;
};
using ChannelPtr = std::unique_ptr<std::remove_pointer_t<ssh_channel>, ChannelFree>;

class SessionPool {
 public:
  explicit SessionPool(Target e) : e_(std::move(e)) {}
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  // An idle session (`*reused` = true) or a freshly dialled one.
  util::Result<SessionPtr> Acquire(bool* reused);
  // Connects, checks the pinned host key, authenticates.
  util::Result<SessionPtr> DialNew();
  // Keeps `s` for reuse if it is still connected (up to a few), else frees it.
  void Release(SessionPtr s);

  // "user@host:port", for messages.
  std::string Where() const;
  const Target& endpoint() const { return e_; }

 private:
  const Target e_;
  std::mutex mu_;
  std::string pinned_;  // SHA-256 of the host key seen first; "" = none yet
  std::vector<SessionPtr> idle_;
};

// Opens a channel on a session taken from `pool` with `open` (e.g. a session channel, a
// unix-socket forward). When a reused session fails to open one (the server may have
// dropped it), retries once on a fresh session.
util::Status OpenChannel(SessionPool& pool, const std::function<int(ssh_channel)>& open, SessionPtr* session,
                         ChannelPtr* channel);

}  // namespace sshio
