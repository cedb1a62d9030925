#pragma once
// util::ByteStream over a connected AF_UNIX stream socket (e.g. /var/run/docker.sock), and a
// StreamDialer that connects a new one to a socket path on every Dial.
#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "util/byte_stream.h"
#include "util/status.h"

namespace util {

// Owns one connected socket. One reader and one writer thread may use it at once; Close and
// CloseWrite may be called from any thread: Close shuts the socket down (shutdown(2)) so a
// Read blocked in another thread returns, and the descriptor is released only by the
// destructor, so no other thread can ever read a reused descriptor number.
class UnixSocketStream final : public ByteStream {
 public:
  // Takes ownership of `fd`, a connected stream socket. REQUIRES: fd >= 0.
  explicit UnixSocketStream(int fd);
  ~UnixSocketStream() override;
  UnixSocketStream(const UnixSocketStream&) = delete;
  UnixSocketStream& operator=(const UnixSocketStream&) = delete;

  // Connects to the socket at `path`. Fails with kUnavailable when nothing listens there
  // (ENOENT, ECONNREFUSED), kPermissionDenied on EACCES, kInvalidArgument for a path that
  // does not fit in sockaddr_un, kIOError otherwise; the message names the path.
  static Result<std::unique_ptr<UnixSocketStream>> Connect(const std::string& path);

  // Fails with kIOError when the peer is gone (no SIGPIPE is raised), kCancelled after Close.
  Status WriteAll(std::string_view data) override;
  // Returns 0 at the peer's end of stream; kCancelled once Close was called (also when the
  // Close interrupted this very Read); kIOError on a socket error.
  Result<size_t> Read(char* buf, size_t cap) override;
  Status CloseWrite() override;
  void Close() override;

 private:
  const int fd_;
  std::atomic<bool> closed_{false};
};

// Dials `path` on every Dial. Thread-safe.
class UnixSocketDialer final : public StreamDialer {
 public:
  explicit UnixSocketDialer(std::string path) : path_(std::move(path)) {}
  Result<std::unique_ptr<ByteStream>> Dial() override;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace util
