#include "util/unix_socket_stream.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace util {
namespace {

std::string ErrnoText(int err) { return std::string(strerror(err)); }

}  // namespace

UnixSocketStream::UnixSocketStream(int fd) : fd_(fd) {}

UnixSocketStream::~UnixSocketStream() { ::close(fd_); }

Result<std::unique_ptr<UnixSocketStream>> UnixSocketStream::Connect(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(addr.sun_path)) {
    return Status::InvalidArgument("unix socket path \"" + path + "\" is empty or longer than " +
                                   std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
  }
  memcpy(addr.sun_path, path.data(), path.size());
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IOError("socket(AF_UNIX): " + ErrnoText(errno));
  int rc;
  do {
    rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    int err = errno;
    ::close(fd);
    std::string msg = "connect to unix socket " + path + ": " + ErrnoText(err);
    if (err == ENOENT || err == ECONNREFUSED) return Status::Unavailable(msg);
    if (err == EACCES || err == EPERM) return Status::PermissionDenied(msg);
    return Status::IOError(msg);
  }
  return std::make_unique<UnixSocketStream>(fd);
}

Status UnixSocketStream::WriteAll(std::string_view data) {
  while (!data.empty()) {
    if (closed_.load()) return Status::Cancelled("unix socket stream closed");
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (closed_.load()) return Status::Cancelled("unix socket stream closed");
      return Status::IOError("write to unix socket: " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Result<size_t> UnixSocketStream::Read(char* buf, size_t cap) {
  for (;;) {
    if (closed_.load()) return Status::Cancelled("unix socket stream closed");
    ssize_t n = ::recv(fd_, buf, cap, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (closed_.load()) return Status::Cancelled("unix socket stream closed");
      return Status::IOError("read from unix socket: " + ErrnoText(errno));
    }
    if (n == 0 && closed_.load()) return Status::Cancelled("unix socket stream closed");
    return static_cast<size_t>(n);
  }
}

Status UnixSocketStream::CloseWrite() {
  if (::shutdown(fd_, SHUT_WR) != 0 && errno != ENOTCONN) {
    return Status::IOError("shutdown(SHUT_WR) of unix socket: " + ErrnoText(errno));
  }
  return Status::Ok();
}

void UnixSocketStream::Close() {
  if (closed_.exchange(true)) return;
  ::shutdown(fd_, SHUT_RDWR);
}

Result<std::unique_ptr<ByteStream>> UnixSocketDialer::Dial() {
  auto s = UnixSocketStream::Connect(path_);
  if (!s.ok()) return s.status();
  return std::unique_ptr<ByteStream>(std::move(s).value());
}

}  // namespace util
