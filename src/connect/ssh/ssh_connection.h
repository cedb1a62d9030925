#pragma once
// connect::DialSsh: the libssh implementation of connect::Connection, how the manager
// reaches a fleet instance (a cloud VM or a local network-namespace instance).
//
// Sessions: libssh sessions are not thread-safe, so every operation (one Exec, one
// DialUnix stream, one Ping) owns a whole SSH session while it runs. Finished sessions go
// back to a small idle pool and are reused, so a steady job flow pays the handshake once.
//
// Host keys: no trust on first use. The fleet generates each instance's host key and gives
// it to the instance (cloud-init `ssh_keys`, or the local provider's sshd); Endpoint::
// host_key carries its public half and only that key is accepted, checked before the
// client key authenticates; another key fails with kPermissionDenied ("host key
// mismatch", IsHostKeyMismatch). Without Endpoint::host_key (instances whose key the
// fleet cannot know) the first session's key is pinned for the Connection's life.
//
// Exec runs the command with /bin/sh, without a login shell, in its own session/process
// group on the instance (util-linux `setsid -w` must be there); on cancel that whole process
// group is killed through a second channel (OpenSSH ignores channel "signal" requests), then
// the channel is closed. Note: bash as the user's shell still reads ~/.bashrc when started
// by sshd; an sshd with `SetEnv SHLVL=1` (as cloud/local configures it) avoids that.
// A command silent for 20 s triggers one round trip, so a vanished instance is noticed.
#include <memory>

#include "connect/connection.h"
#include "util/status.h"

namespace connect {

// Connects and authenticates once (to fail early: unreachable host, bad key, wrong user).
// Authentication: the private key of `e.key_pem` when set, else `e.password`.
// kUnavailable when the host does not answer within e.timeout, kPermissionDenied when
// authentication is refused, kInvalidArgument for an unreadable key.
util::Result<std::shared_ptr<Connection>> DialSsh(const Endpoint& e);

}  // namespace connect
