#include "executor/docker/stage_marker.h"

#include <gtest/gtest.h>

namespace executor::docker {
namespace {

constexpr char kNonce[] = "0f3a9c1d2e4b5a6978c0d1e2f3a4b5c6";

struct Collected {
  std::string out;
  StageMarkerScanner::Emit emit() {
    return [this](std::string_view b) { out.append(b); };
  }
};

TEST(StageMarkerScannerTest, StripsTheMarkerAndReadsTheCode) {
  StageMarkerScanner s(kNonce, true);
  Collected c;
  EXPECT_FALSE(s.Feed("hello\n", c.emit()));
  EXPECT_TRUE(s.Feed(std::string(kNonce) + ":17\n", c.emit()));
  EXPECT_EQ(c.out, "hello\n");
  EXPECT_EQ(s.code(), 17);
}

TEST(StageMarkerScannerTest, MarkerSplitAtEveryByte) {
  const std::string input = std::string("partial line") + kNonce + ":3\nlate\n";
  for (size_t cut = 0; cut <= input.size(); ++cut) {
    StageMarkerScanner s(kNonce, true);
    Collected c;
    bool a = s.Feed(input.substr(0, cut), c.emit());
    bool b = s.Feed(input.substr(cut), c.emit());
    EXPECT_TRUE(a || b) << cut;
    EXPECT_EQ(c.out, "partial linelate\n") << cut;
    EXPECT_EQ(s.code(), 3) << cut;
  }
}

TEST(StageMarkerScannerTest, OneByteAtATime) {
  const std::string input = std::string("x") + kNonce + "\n";
  StageMarkerScanner s(kNonce, false);
  Collected c;
  bool done = false;
  for (char ch : input) done = s.Feed(std::string_view(&ch, 1), c.emit());
  EXPECT_TRUE(done);
  EXPECT_EQ(c.out, "x");
  EXPECT_FALSE(s.code().has_value());
}

TEST(StageMarkerScannerTest, NonceWithoutAValidTailIsOrdinaryOutput) {
  StageMarkerScanner s(kNonce, true);
  Collected c;
  const std::string fake = std::string(kNonce) + ":abc\n" + kNonce + "no newline for a long while......\n";
  EXPECT_FALSE(s.Feed(fake, c.emit()));
  EXPECT_EQ(c.out, fake);
  EXPECT_TRUE(s.Feed(std::string(kNonce) + ":0\n", c.emit()));
  EXPECT_EQ(c.out, fake);
  EXPECT_EQ(s.code(), 0);
}

TEST(StageMarkerScannerTest, HeldTailIsFlushedAtTheEnd) {
  StageMarkerScanner s(kNonce, true);
  Collected c;
  EXPECT_FALSE(s.Feed(std::string("out ") + std::string(kNonce).substr(0, 5), c.emit()));
  EXPECT_EQ(c.out, "out ");
  s.Flush(c.emit());
  EXPECT_EQ(c.out, "out " + std::string(kNonce).substr(0, 5));
}

TEST(StageMarkerScannerTest, ResetLooksForTheNextMarker) {
  StageMarkerScanner s(kNonce, true);
  Collected c;
  EXPECT_TRUE(s.Feed(std::string(kNonce) + ":1\n", c.emit()));
  s.Reset();
  EXPECT_FALSE(s.found());
  EXPECT_FALSE(s.Feed("two\n", c.emit()));
  EXPECT_TRUE(s.Feed(std::string(kNonce) + ":2\n", c.emit()));
  EXPECT_EQ(c.out, "two\n");
  EXPECT_EQ(s.code(), 2);
}

}  // namespace
}  // namespace executor::docker
