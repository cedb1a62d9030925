#include "executor/docker/multiplexed_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace executor::docker {
namespace {

std::string Frame(uint8_t stream, const std::string& payload) {
  std::string h(8, '\0');
  h[0] = static_cast<char>(stream);
  uint32_t n = static_cast<uint32_t>(payload.size());
  h[4] = static_cast<char>(n >> 24);
  h[5] = static_cast<char>(n >> 16);
  h[6] = static_cast<char>(n >> 8);
  h[7] = static_cast<char>(n);
  return h + payload;
}

struct Collected {
  std::string out, err, all;
};

Collected Decode(const std::string& raw, size_t piece, bool* ok = nullptr) {
  Collected c;
  FrameDecoder d([&](StreamKind k, std::string_view b) {
    (k == StreamKind::kStderr ? c.err : c.out).append(b);
    c.all.append(b);
  });
  bool good = true;
  for (size_t i = 0; i < raw.size(); i += piece) good = d.Feed(std::string_view(raw).substr(i, piece)) && good;
  if (ok) *ok = good && d.AtBoundary();
  return c;
}

TEST(FrameDecoderTest, SplitsStdoutAndStderrAtAnyPieceSize) {
  std::string raw = Frame(1, "hello\n") + Frame(2, "oops\n") + Frame(1, "") + Frame(1, "bye\n");
  for (size_t piece : {1, 3, 8, 9, 100}) {
    bool ok = false;
    Collected c = Decode(raw, piece, &ok);
    EXPECT_TRUE(ok);
    EXPECT_EQ(c.out, "hello\nbye\n") << piece;
    EXPECT_EQ(c.err, "oops\n") << piece;
    EXPECT_EQ(c.all, "hello\noops\nbye\n") << piece;
  }
}

TEST(FrameDecoderTest, LargeFrame) {
  std::string big(70000, 'x');
  Collected c = Decode(Frame(1, big), 4096);
  EXPECT_EQ(c.out, big);
}

TEST(FrameDecoderTest, RejectsNonMultiplexedInput) {
  bool ok = true;
  Collected c = Decode("plain tty output\n", 5, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(c.all, "");
}

TEST(FrameDecoderTest, MidFrameIsNotABoundary) {
  FrameDecoder d([](StreamKind, std::string_view) {});
  std::string raw = Frame(1, "abc");
  EXPECT_TRUE(d.Feed(raw.substr(0, 5)));
  EXPECT_FALSE(d.AtBoundary());
  EXPECT_TRUE(d.Feed(raw.substr(5)));
  EXPECT_TRUE(d.AtBoundary());
}

}  // namespace
}  // namespace executor::docker
