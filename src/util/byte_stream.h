#pragma once
// A bidirectional byte stream: the seam under the Docker Engine client. Implemented by a
// local unix socket (util/unix_socket_stream.h) and, later, by an SSH channel forwarded to
// an instance's /var/run/docker.sock. Not thread-safe unless an implementation says so,
// except CloseWrite/Close, which may be called from another thread to unblock a reader.
#include <cstddef>
#include <memory>
#include <string_view>

#include "util/status.h"

namespace util {

class ByteStream {
 public:
  virtual ~ByteStream() = default;
  // Writes all of `data` or fails.
  virtual Status WriteAll(std::string_view data) = 0;
  // Reads up to `cap` bytes into `buf`; returns 0 at end of stream.
  virtual Result<size_t> Read(char* buf, size_t cap) = 0;
  // Half-closes the sending side (the peer sees EOF).
  virtual Status CloseWrite() = 0;
  // Closes both directions; a blocked Read returns.
  virtual void Close() = 0;
};

// Opens new streams to one endpoint (one per HTTP connection).
class StreamDialer {
 public:
  virtual ~StreamDialer() = default;
  virtual Result<std::unique_ptr<ByteStream>> Dial() = 0;
};

}  // namespace util
