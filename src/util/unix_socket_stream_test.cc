#include "util/unix_socket_stream.h"

#include <gtest/gtest.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "util/testing/test_util.h"

namespace util {
namespace {

// A listening AF_UNIX socket in a temp dir; Accept returns the server side of a connection.
class Listener {
 public:
  explicit Listener(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    memcpy(a.sun_path, path.data(), path.size());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0) << strerror(errno);
    EXPECT_EQ(::listen(fd_, 4), 0);
  }
  ~Listener() { ::close(fd_); }
  int Accept() { return ::accept(fd_, nullptr, nullptr); }

 private:
  std::string path_;
  int fd_;
};

TEST(UnixSocketStreamTest, RoundTripAndHalfClose) {
  testutil::TempDir dir;
  std::string path = (dir.path() / "s.sock").string();
  Listener l(path);
  UnixSocketDialer dialer(path);
  auto s = dialer.Dial();
  ASSERT_OK(s);
  int server = l.Accept();
  ASSERT_GE(server, 0);

  ASSERT_TRUE((*s)->WriteAll("ping").ok());
  ASSERT_TRUE((*s)->CloseWrite().ok());
  std::string got;
  char buf[16];
  ssize_t n;
  while ((n = ::read(server, buf, sizeof(buf))) > 0) got.append(buf, static_cast<size_t>(n));
  EXPECT_EQ(got, "ping");  // and the server saw EOF after it

  ASSERT_EQ(::write(server, "pong", 4), 4);
  ::close(server);
  std::string back;
  for (;;) {
    auto r = (*s)->Read(buf, sizeof(buf));
    ASSERT_OK(r);
    if (*r == 0) break;
    back.append(buf, *r);
  }
  EXPECT_EQ(back, "pong");
}

TEST(UnixSocketStreamTest, CloseFromAnotherThreadUnblocksRead) {
  testutil::TempDir dir;
  std::string path = (dir.path() / "s.sock").string();
  Listener l(path);
  auto s = UnixSocketStream::Connect(path);
  ASSERT_OK(s);
  int server = l.Accept();
  ASSERT_GE(server, 0);

  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    (*s)->Close();
  });
  char buf[8];
  auto start = std::chrono::steady_clock::now();
  auto r = (*s)->Read(buf, sizeof(buf));
  closer.join();
  EXPECT_EQ(r.status().code(), Status::Code::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ((*s)->WriteAll("x").code(), Status::Code::kCancelled);
  ::close(server);
}

TEST(UnixSocketStreamTest, MissingSocketIsUnavailable) {
  testutil::TempDir dir;
  auto s = UnixSocketStream::Connect((dir.path() / "none.sock").string());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(s.status().message().find("none.sock"), std::string::npos);
}

TEST(UnixSocketStreamTest, TooLongPathIsInvalid) {
  auto s = UnixSocketStream::Connect("/" + std::string(200, 'a'));
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace util
