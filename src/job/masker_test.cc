#include "job/masker.h"

#include <gtest/gtest.h>

#include <random>

namespace job {
namespace {

std::string MaskAll(const MaskerOptions& o, std::string_view in) {
  Masker m(o);
  std::string out = m.Write(in);
  return out + m.Flush();
}

// Feeds `in` in pieces cut at `cuts` (ascending positions).
std::string MaskSplit(const MaskerOptions& o, std::string_view in, const std::vector<size_t>& cuts) {
  Masker m(o);
  std::string out;
  size_t prev = 0;
  for (size_t c : cuts) {
    out += m.Write(in.substr(prev, c - prev));
    prev = c;
  }
  out += m.Write(in.substr(prev));
  return out + m.Flush();
}

std::string MaskByteByByte(const MaskerOptions& o, std::string_view in) {
  Masker m(o);
  std::string out;
  for (char c : in) out += m.Write(std::string_view(&c, 1));
  return out + m.Flush();
}

MaskerOptions Values(std::vector<std::string> v) {
  MaskerOptions o;
  o.values = std::move(v);
  return o;
}

TEST(MaskerTest, MasksValue) {
  EXPECT_EQ(MaskAll(Values({"s3cr3t-value"}), "token is s3cr3t-value here"), "token is [MASKED] here");
}

TEST(MaskerTest, TrimsDedupsAndIgnoresEmpty) {
  EXPECT_EQ(MaskAll(Values({"  abcdefgh\n", "abcdefgh", "", "   "}), "x abcdefgh y"), "x [MASKED] y");
}

TEST(MaskerTest, AdjacentOccurrencesEachMasked) {
  EXPECT_EQ(MaskAll(Values({"secret12"}), "secret12secret12"), "[MASKED][MASKED]");
}

TEST(MaskerTest, LongerValueContainingShorterIsMaskedWhole) {
  EXPECT_EQ(MaskAll(Values({"abc", "xxabcxx"}), "1 xxabcxx 2 abc"), "1 [MASKED] 2 [MASKED]");
}

TEST(MaskerTest, OverlappingValuesLeakNothing) {
  // "abcd" then "bcdefg" overlapping it: every covered byte is hidden.
  EXPECT_EQ(MaskAll(Values({"bcdefg", "abcd"}), "-abcdefg-"), "-[MASKED][MASKED]-");
  EXPECT_EQ(MaskAll(Values({"aa"}), "aaa"), "[MASKED][MASKED]");
}

TEST(MaskerTest, ShortValues) {
  EXPECT_EQ(MaskAll(Values({"x"}), "axbxc"), "a[MASKED]b[MASKED]c");
  EXPECT_EQ(MaskAll(Values({"ab", "abc"}), "zabcz ab"), "z[MASKED]z [MASKED]");
}

TEST(MaskerTest, TokenPrefixes) {
  MaskerOptions o;
  EXPECT_EQ(MaskAll(o, "use glpat-AbC_1.2=3-x now"), "use glpat-[MASKED] now");
  EXPECT_EQ(MaskAll(o, "glrtr-abc glrt-def gldt-x"), "glrtr-[MASKED] glrt-[MASKED] gldt-[MASKED]");
  EXPECT_EQ(MaskAll(o, "cookie _gitlab_session=abc123;"), "cookie _gitlab_session=[MASKED];");
  EXPECT_EQ(MaskAll(o, "glpat- alone"), "glpat- alone");
  EXPECT_EQ(MaskAll(o, "ends glcbt-"), "ends glcbt-");
  o.all_default_tokens = false;
  EXPECT_EQ(MaskAll(o, "glpat-abc glrt-abc"), "glpat-[MASKED] glrt-abc");
  o.extra_prefixes = {"myco_"};
  EXPECT_EQ(MaskAll(o, "key myco_1234 end"), "key myco_[MASKED] end");
}

TEST(MaskerTest, AtMostFifteenPrefixes) {
  MaskerOptions o;
  o.extra_prefixes = {"aa-", "bb-", "cc-"};
  auto p = EffectiveTokenPrefixes(o);
  ASSERT_EQ(p.size(), 15u);
  EXPECT_EQ(p[0], "glpat-");
  EXPECT_EQ(p[14], "aa-");
  EXPECT_EQ(MaskAll(o, "aa-1 bb-2"), "aa-[MASKED] bb-2");
}

TEST(MaskerTest, UrlParams) {
  MaskerOptions o;
  EXPECT_EQ(MaskAll(o, "GET https://h/x?private_token=abc&y=1 200"), "GET https://h/x?private_token=[MASKED]&y=1 200");
  EXPECT_EQ(MaskAll(o, "u?a=1&X-Amz-Credential=AKIA%2F20240101&X-Amz-Signature=deadbeef\n"),
            "u?a=1&X-Amz-Credential=[MASKED]&X-Amz-Signature=[MASKED]\n");
  EXPECT_EQ(MaskAll(o, "\"https://h/?rss_token=q1\""), "\"https://h/?rss_token=[MASKED]\"");
  EXPECT_EQ(MaskAll(o, "x?private_token=&y"), "x?private_token=&y");
  EXPECT_EQ(MaskAll(o, "no private_token=abc"), "no private_token=abc");
}

TEST(MaskerTest, ValueThenPrefixStage) {
  MaskerOptions o = Values({"supersecret"});
  EXPECT_EQ(MaskAll(o, "glpat-supersecret"), "glpat-[MASKED]");
}

// The reference: the one-shot result must not depend on how the input is cut.
void ExpectSplitInvariant(const MaskerOptions& o, const std::string& in) {
  const std::string want = MaskAll(o, in);
  EXPECT_EQ(MaskByteByByte(o, in), want) << in;
  for (size_t i = 0; i <= in.size(); ++i) {
    ASSERT_EQ(MaskSplit(o, in, {i}), want) << "split at " << i << " of " << in;
    for (size_t j = i; j <= in.size(); j += 3) {
      ASSERT_EQ(MaskSplit(o, in, {i, j}), want) << "splits at " << i << "," << j;
    }
  }
}

TEST(MaskerTest, SplitAtEveryBytePosition) {
  MaskerOptions o = Values({"s3cr3t-value-0123", "another_Secret", "abc", "abcabcX", "xxabcxx"});
  o.extra_prefixes = {"tok:"};
  ExpectSplitInvariant(o, "a s3cr3t-value-0123 b another_Secret c glpat-Zz9.x_ d");
  ExpectSplitInvariant(o, "abcabcabcX xxabcxx ?private_token=p&q glrtr-a tok:12 _gitlab_session=s");
  ExpectSplitInvariant(o, "s3cr3t-value-012s3cr3t-value-0123s3cr3t");
  EXPECT_EQ(MaskByteByByte(o, "abcabcabcX"), "[MASKED][MASKED]");
}

TEST(MaskerTest, RandomSplitsMatchOneShot) {
  std::mt19937 rng(42);
  const std::string alphabet = "ab-glpatx?=&_ \n";
  MaskerOptions o = Values({"ab-ab", "glpat-x", "aab", "b-a"});
  o.extra_prefixes = {"x="};
  for (int iter = 0; iter < 300; ++iter) {
    std::string in;
    int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) in += alphabet[rng() % alphabet.size()];
    if (rng() % 3 == 0) in += "?private_token=zz";
    std::vector<size_t> cuts;
    for (size_t i = 0; i < in.size(); ++i) {
      if (rng() % 4 == 0) cuts.push_back(i);
    }
    ASSERT_EQ(MaskSplit(o, in, cuts), MaskAll(o, in)) << in;
    ASSERT_EQ(MaskByteByByte(o, in), MaskAll(o, in)) << in;
  }
}

TEST(MaskerTest, HoldsBackOnlyAPossibleStart) {
  Masker m(Values({"secretvalue"}));
  EXPECT_EQ(m.Write("hello sec"), "hello ");
  EXPECT_EQ(m.Write("ond line\n"), "second line\n");
  EXPECT_EQ(m.Write("x secret"), "x ");
  EXPECT_EQ(m.Write("value y"), "[MASKED] y");
  EXPECT_EQ(m.Write(" glp"), " ");
  EXPECT_EQ(m.Write("at-abc"), "glpat-[MASKED]");
  EXPECT_EQ(m.Write("def more"), " more");
  EXPECT_EQ(m.Flush(), "");
}

TEST(MaskerTest, FlushReleasesPartial) {
  Masker m(Values({"secretvalue"}));
  EXPECT_EQ(m.Write("end secretval"), "end ");
  EXPECT_EQ(m.Flush(), "secretval");
}

}  // namespace
}  // namespace job
