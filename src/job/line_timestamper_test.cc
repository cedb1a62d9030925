#include "job/line_timestamper.h"

#include <gtest/gtest.h>

namespace job {
namespace {

using namespace std::chrono_literals;

// 2024-05-22T09:01:02.123456Z
const util::Time kT0 = util::Time(std::chrono::sys_days(std::chrono::year(2024) / 5 / 22)) + 9h + 1min + 2s + 123456us;

class LineTimestamperTest : public ::testing::Test {
 protected:
  std::string Write(std::string_view in) {
    std::string out;
    stamper_.Write(in, out);
    return out;
  }
  util::ManualClock clock_{kT0};
  LineTimestamper stamper_{clock_};
};

TEST_F(LineTimestamperTest, EachLineGetsTheTimeItStartedStreamAndType) {
  EXPECT_EQ(Write("one\ntwo\n"), "2024-05-22T09:01:02.123456Z 00O one\n2024-05-22T09:01:02.123456Z 00O two\n");
  clock_.Advance(1s + 1us);
  EXPECT_EQ(Write("three\n"), "2024-05-22T09:01:03.123457Z 00O three\n");
  util::ManualClock other(kT0);
  LineTimestamper err(other, 0x1f, 'E');
  std::string out;
  err.Write("x\n", out);
  EXPECT_EQ(out, "2024-05-22T09:01:02.123456Z 1fE x\n");
}

// A partial line waits for its newline and keeps the time it started at.
TEST_F(LineTimestamperTest, PartialLineIsHeldUntilItsNewline) {
  EXPECT_EQ(Write("par"), "");
  clock_.Advance(2s);
  EXPECT_EQ(Write("tial\nnext"), "2024-05-22T09:01:02.123456Z 00O partial\n");
  std::string out;
  stamper_.Flush(out);
  EXPECT_EQ(out, "2024-05-22T09:01:04.123456Z 00O next\n");
  out.clear();
  stamper_.Flush(out);
  EXPECT_EQ(out, "");
}

// A write with a carriage return and no newline (a progress bar, a section end) is shown
// at once; what follows continues that line ('+').
TEST_F(LineTimestamperTest, CarriageReturnFlushesAndTheNextLineContinues) {
  EXPECT_EQ(Write("section_end:1:x\r\x1b[0K"), "2024-05-22T09:01:02.123456Z 00O section_end:1:x\r\x1b[0K\n");
  EXPECT_EQ(Write("after\n"), "2024-05-22T09:01:02.123456Z 00O+after\n");
  EXPECT_EQ(Write("again\n"), "2024-05-22T09:01:02.123456Z 00O again\n");
  // Held bytes go out with the carriage return's write, under their own prefix.
  EXPECT_EQ(Write("10%"), "");
  EXPECT_EQ(Write("\r20%"), "2024-05-22T09:01:02.123456Z 00O 10%\r20%\n");
}

// A partial line longer than the hold limit is written out and continued.
TEST_F(LineTimestamperTest, LongPartialLineIsWrittenAndContinued) {
  const std::string big(LineTimestamper::kHoldBytes + 1, 'a');
  EXPECT_EQ(Write(big), "2024-05-22T09:01:02.123456Z 00O " + big + "\n");
  EXPECT_EQ(Write("b\n"), "2024-05-22T09:01:02.123456Z 00O+b\n");
  EXPECT_EQ(Write(std::string(LineTimestamper::kHoldBytes, 'c')), "");
  EXPECT_EQ(Write("d"), "2024-05-22T09:01:02.123456Z 00O " + std::string(LineTimestamper::kHoldBytes, 'c') + "d\n");
}

TEST_F(LineTimestamperTest, EmptyWritesAndEmptyLines) {
  EXPECT_EQ(Write(""), "");
  EXPECT_EQ(Write("\n\n"), "2024-05-22T09:01:02.123456Z 00O \n2024-05-22T09:01:02.123456Z 00O \n");
}

}  // namespace
}  // namespace job
