#pragma once
// connect::ChannelStream: a util::ByteStream over one SSH channel (e.g. a direct-streamlocal
// forward to an instance's /var/run/docker.sock). Owns its session while it lives and gives
// it back to the pool afterwards. Reads and writes may come from two threads (a mutex
// serializes the libssh calls; a blocked Read waits on the socket outside of it), and
// Close may be called from another thread to unblock a reader. Internal to connect/ssh (namespace sshio: see sshio.h).
#include <atomic>
#include <memory>
#include <mutex>

#include "connect/ssh/session_pool.h"
#include "util/byte_stream.h"

namespace sshio {

class ChannelStream final : public util::ByteStream {
 public:
  ChannelStream(std::shared_ptr<SessionPool> pool, SessionPtr session, ChannelPtr channel);
  ~ChannelStream() override;

  util::Status WriteAll(std::string_view data) override;
  util::Result<size_t> Read(char* buf, size_t cap) override;
  util::Status CloseWrite() override;
  void Close() override;

 private:
  std::shared_ptr<SessionPool> pool_;
  std::mutex mu_;
  SessionPtr session_;
  ChannelPtr channel_;
  std::atomic<bool> closed_{false};
};

}  // namespace sshio
