#pragma once
// connect::Connection: how the manager reaches one instance, whatever the cloud made it.
// The manager never touches an instance any other way: the shell-on-instance executor
// runs its scripts through Exec, and the docker executor speaks the Engine API through a
// DialUnix stream to the instance's docker socket. Implementation: connect/ssh (libssh).
// Thread safety: every method may be called from several threads at once (one job per
// thread, several jobs per instance).
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/byte_stream.h"
#include "util/cancel.h"
#include "util/status.h"

namespace connect {

struct Endpoint {
  std::string host;
  int port = 22;
  std::string username;
  std::string key_pem;   // private key (OpenSSH or PEM); never logged
  std::string password;  // used only when key_pem is empty
  std::chrono::milliseconds timeout{10000};  // TCP connect + handshake + auth
  // The host key the instance must present ("ssh-ed25519 AAAA..." as in known_hosts or
  // authorized_keys; a comment is ignored): the key the fleet generated and gave the
  // instance. Any other key is refused before authenticating (a man in the middle never
  // sees our client key's signature). "" = accept the first key and pin it (only for
  // instances whose host key the fleet cannot know, e.g. an Auto Scaling group's).
  std::string host_key;
};

// True for the error of a dial refused because the instance presented another host key
// than Endpoint::host_key (kPermissionDenied naming both fingerprints).
bool IsHostKeyMismatch(const util::Status& s);

// Receives a remote command's output (stdout and stderr interleaved, as they come).
using OutputFn = std::function<void(std::string_view)>;

class Connection {
 public:
  virtual ~Connection() = default;

  // Runs `command` on the instance without a login shell, feeding it `input` on stdin
  // (then EOF) and streaming its output to `out`. Returns the command's exit status.
  // kCancelled when `cancel` fired: the remote command and its children are gone by then.
  // kUnavailable when the connection broke (e.g. the instance disappeared).
  virtual util::Result<int> Exec(const std::string& command, std::string_view input,
                                 const OutputFn& out, const util::CancelToken& cancel) = 0;

  // Opens a byte stream to a unix socket on the instance (e.g. /var/run/docker.sock).
  virtual util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::string& path) = 0;

  // One round trip to the instance; kUnavailable when it does not answer in time.
  virtual util::Status Ping() = 0;
};

}  // namespace connect
