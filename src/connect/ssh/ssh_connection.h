#pragma once
// connect::DialSsh: the libssh implementation of connect::Connection, how the manager
// reaches a fleet instance (a cloud VM or a local network-namespace instance).
//
// Sessions: libssh sessions are not thread-safe, so every operation (one Exec, one
// DialUnix stream, one Ping) owns a whole SSH session while it runs. Finished sessions go
// back to a small idle pool and are reused, so a steady job flow pays the handshake once.
//
// Host keys: accept-and-pin. The first session of a Connection accepts the server's host
// key and records its SHA-256 fingerprint; every later session of the same Connection must
// present the same key or fails with kPermissionDenied. This fits instances the fleet
// created itself (no known_hosts to consult); it does not protect the very first handshake.
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
