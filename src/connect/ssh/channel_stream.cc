#include "connect/ssh/channel_stream.h"

#include <poll.h>

namespace sshio {
namespace {
constexpr int kPollMs = 100;
}

ChannelStream::ChannelStream(std::shared_ptr<SessionPool> pool, SessionPtr session, ChannelPtr channel)
    : pool_(std::move(pool)), session_(std::move(session)), channel_(std::move(channel)) {}

ChannelStream::~ChannelStream() {
  Close();
  pool_->Release(std::move(session_));
}

util::Status ChannelStream::WriteAll(std::string_view data) {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || !channel_) return util::Status::FailedPrecondition(pool_->Where() + ": stream closed");
  while (!data.empty()) {
    int n = ssh_channel_write(channel_.get(), data.data(), static_cast<uint32_t>(std::min<size_t>(data.size(), 32768)));
    if (n == SSH_ERROR || n < 0) {
      return util::Status::Unavailable(pool_->Where() + ": channel write: " + ssh_get_error(session_.get()));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return util::Status::Ok();
}

util::Result<size_t> ChannelStream::Read(char* buf, size_t cap) {
  if (cap == 0) return size_t{0};
  uint32_t want = static_cast<uint32_t>(std::min<size_t>(cap, 1u << 20));
  while (true) {
    int fd = -1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_ || !channel_) return size_t{0};
      int n = ssh_channel_read_nonblocking(channel_.get(), buf, want, 0);
      if (n > 0) return static_cast<size_t>(n);
      if (n == SSH_ERROR) {
        return util::Status::Unavailable(pool_->Where() + ": channel read: " + ssh_get_error(session_.get()));
      }
      if (ssh_channel_is_eof(channel_.get()) || !ssh_channel_is_open(channel_.get())) return size_t{0};
      fd = ssh_get_fd(session_.get());
    }
    if (fd < 0) return util::Status::Unavailable(pool_->Where() + ": connection lost");
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, kPollMs);  // wakes on data; the timeout bounds how late a Close is seen
  }
}

util::Status ChannelStream::CloseWrite() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_ || !channel_) return util::Status::Ok();
  if (ssh_channel_send_eof(channel_.get()) != SSH_OK) {
    return util::Status::Unavailable(pool_->Where() + ": channel eof: " + ssh_get_error(session_.get()));
  }
  return util::Status::Ok();
}

void ChannelStream::Close() {
  closed_ = true;
  std::lock_guard<std::mutex> lock(mu_);
  channel_.reset();
}

}  // namespace sshio
