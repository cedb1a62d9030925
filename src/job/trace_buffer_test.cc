#include "job/trace_buffer.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <thread>

namespace job {
namespace {

std::string Crc(const std::string& s) {
  uLong c = crc32(0, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size()));
  char buf[32];
  std::snprintf(buf, sizeof buf, "crc32:%08lx", c);
  return buf;
}

std::string All(const TraceBuffer& t) { return t.Read(0, t.Size() + 1); }

class TraceBufferTest : public ::testing::Test {
 protected:
  util::ManualClock clock_{util::Time(std::chrono::seconds(1700000000))};
};

TEST_F(TraceBufferTest, MasksThenStores) {
  MaskerOptions m;
  m.values = {"topsecret1"};
  TraceBuffer t(m, 0, clock_);
  t.Append("a topsec");
  EXPECT_EQ(All(t), "a ");
  t.Append("ret1 b");
  t.Finish();
  EXPECT_EQ(All(t), "a [MASKED] b");
  EXPECT_EQ(t.Size(), 12);
  EXPECT_EQ(t.Checksum(), Crc("a [MASKED] b"));
}

TEST_F(TraceBufferTest, InvalidUtf8Replaced) {
  TraceBuffer t({}, 0, clock_);
  t.Append("ok \xff x \xe2\x82 y \xc3");
  t.Append("\xa9 z \xe2");
  t.Append("\x82");
  t.Append("\xac!");
  t.Append("\xf0\x9f");
  t.Finish();
  EXPECT_EQ(All(t), "ok \xEF\xBF\xBD x \xEF\xBF\xBD y \xc3\xa9 z \xe2\x82\xac!\xEF\xBF\xBD");
  EXPECT_EQ(t.Checksum(), Crc(All(t)));
}

TEST_F(TraceBufferTest, SplitUtf8AtEveryPosition) {
  const std::string in = "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \xed\xa0\x80 end";
  TraceBuffer whole({}, 0, clock_);
  whole.Append(in);
  whole.Finish();
  for (size_t i = 0; i <= in.size(); ++i) {
    TraceBuffer t({}, 0, clock_);
    t.Append(in.substr(0, i));
    t.Append(in.substr(i));
    t.Finish();
    EXPECT_EQ(All(t), All(whole)) << i;
  }
  // U+D800 encoded (ED A0 80) is not valid UTF-8: ED and then each trailing byte.
  EXPECT_NE(All(whole).find("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD end"), std::string::npos);
}

TEST_F(TraceBufferTest, LimitMessageExact) {
  TraceBuffer t({}, 10, clock_);
  t.Append("12345678");
  t.Append("\xc3\xa9\xc3\xa9");  // 2 + 2 bytes: only the first fits
  t.Append("more");
  t.Finish();
  const std::string want = "12345678\xc3\xa9\n\x1b[33;1mJob's log exceeded limit of 10 bytes.\n"
                           "Job execution will continue but no more output will be collected.\x1b[0;m\n";
  EXPECT_EQ(All(t), want);
  EXPECT_TRUE(t.LimitReached());
  EXPECT_EQ(t.Size(), static_cast<int64_t>(want.size()));
  EXPECT_EQ(t.Checksum(), Crc(want));
}

TEST_F(TraceBufferTest, LimitDoesNotSplitCharacter) {
  TraceBuffer t({}, 10, clock_);
  t.Append("123456789\xe2\x82\xac");
  EXPECT_EQ(All(t).substr(0, 10), "123456789\n");
}

TEST_F(TraceBufferTest, RunnerLines) {
  TraceBuffer t({}, 0, clock_);
  t.SectionStart("get_sources", "Getting source from Git repository");
  t.Info("Fetching");
  t.Warning("careful");
  t.Error("Job failed: exit code 1");
  t.Print("plain");
  clock_.Advance(std::chrono::seconds(5));
  t.SectionEnd("get_sources");
  t.SectionStart("step_script", "", "collapsed=true");
  t.Finish();
  EXPECT_EQ(All(t),
            "section_start:1700000000:get_sources\r\x1b[0K\x1b[36;1mGetting source from Git repository\x1b[0;m\n"
            "\x1b[32;1mFetching\x1b[0;m\n"
            "\x1b[0;33mWARNING: careful\x1b[0;m\n"
            "\x1b[31;1mERROR: Job failed: exit code 1\x1b[0;m\n"
            "\x1b[0Kplain\n"
            "section_end:1700000005:get_sources\r\x1b[0K"
            "section_start:1700000005:step_script[collapsed=true]\r\x1b[0K");
}

// FF_TIMESTAMPS: the prefixes come after masking (a secret split across appends and lines
// is still masked), on runner lines and job output alike; Finish ends a partial line.
TEST_F(TraceBufferTest, TimestampsPrefixMaskedLines) {
  MaskerOptions m;
  m.values = {"topsecret1"};
  TraceBuffer t(m, 0, clock_, /*timestamps=*/true);
  t.Info("Fetching");
  t.Append("a topsec");
  clock_.Advance(std::chrono::seconds(1));
  t.Append("ret1 b\nc");
  t.SectionEnd("step_script");
  t.Append("tail");
  t.Finish();
  const std::string p0 = "2023-11-14T22:13:20.000000Z 00O", p1 = "2023-11-14T22:13:21.000000Z 00O";
  EXPECT_EQ(All(t), p0 + " \x1b[32;1mFetching\x1b[0;m\n" +                       //
                        p0 + " a [MASKED] b\n" +                                    //
                        p1 + " csection_end:1700000001:step_script\r\x1b[0K\n" +  //
                        p1 + "+tail\n");
  EXPECT_EQ(t.Checksum(), Crc(All(t)));
}

TEST_F(TraceBufferTest, ReadRanges) {
  TraceBuffer t({}, 0, clock_);
  t.Append("0123456789");
  EXPECT_EQ(t.Read(3, 4), "3456");
  EXPECT_EQ(t.Read(8, 100), "89");
  EXPECT_EQ(t.Read(10, 5), "");
  EXPECT_EQ(t.Read(-1, 5), "");
}

TEST_F(TraceBufferTest, AppendAfterFinishDropped) {
  TraceBuffer t({}, 0, clock_);
  t.Append("a");
  t.Finish();
  t.Append("b");
  EXPECT_EQ(All(t), "a");
  EXPECT_TRUE(t.Finished());
}

TEST_F(TraceBufferTest, ConcurrentAppends) {
  MaskerOptions m;
  m.values = {"password123"};
  TraceBuffer t(m, 0, clock_);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 500; ++k) t.Append("line password123\n");
    });
  }
  for (auto& th : threads) th.join();
  t.Finish();
  std::string all = All(t);
  EXPECT_EQ(all.find("password"), std::string::npos);
  EXPECT_EQ(t.Size(), static_cast<int64_t>(2000 * std::string("line [MASKED]\n").size()));
  EXPECT_EQ(t.Checksum(), Crc(all));
}

}  // namespace
}  // namespace job
