#pragma once
// sshio: the libssh side of connect/ssh, behind a header that does not include libssh.
// Why a separate namespace: libssh pulls in <sys/socket.h>, whose global ::connect()
// cannot coexist with `namespace connect` in one translation unit. So every file that
// touches libssh lives in namespace sshio and never includes connect/*.h; the connect::
// API (ssh_connection.h, ssh_keys.h) is a thin layer over these functions.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/byte_stream.h"
#include "util/cancel.h"
#include "util/status.h"

namespace sshio {

struct Target {  // mirrors connect::Endpoint
  std::string host;
  int port = 22;
  std::string username;
  std::string key_pem;  // never logged
  std::string password;
  std::chrono::milliseconds timeout{10000};
  std::string host_key;  // expected "type base64 [comment]"; "" = accept-and-pin
};

// Starts the message of a dial refused for its host key (connect::IsHostKeyMismatch).
inline constexpr char kHostKeyMismatch[] = "host key mismatch";

class SessionPool;  // session_pool.h

// Dials and authenticates one session (kept in the pool); see connect::DialSsh.
util::Result<std::shared_ptr<SessionPool>> Dial(const Target& t);

// See connect::Connection::Exec / DialUnix / Ping.
util::Result<int> Exec(SessionPool& pool, const std::string& command, std::string_view input,
                       const std::function<void(std::string_view)>& out, const util::CancelToken& cancel);
util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::shared_ptr<SessionPool>& pool,
                                                         const std::string& path);
util::Status Ping(SessionPool& pool);

// A new ed25519 key: OpenSSH private key text and "ssh-ed25519 AAAA..." (no comment).
util::Status GenerateEd25519(std::string* private_pem, std::string* public_line);
// "ssh-ed25519 AAAA..." of an unencrypted private key.
util::Result<std::string> PublicLineOf(const std::string& private_pem);

}  // namespace sshio
