#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace metrics {
namespace {

TEST(MetricsFormatTest, EscapesHelpAndLabelValues) {
  EXPECT_EQ(EscapeHelp("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");
  EXPECT_EQ(EscapeLabelValue("a\\b\nc \"q\""), "a\\\\b\\nc \\\"q\\\"");
}

TEST(MetricsFormatTest, FormatsValues) {
  EXPECT_EQ(FormatValue(3), "3");
  EXPECT_EQ(FormatValue(-2), "-2");
  EXPECT_EQ(FormatValue(0.25), "0.25");
  EXPECT_EQ(FormatValue(0.1), "0.1");
  EXPECT_EQ(FormatValue(1e20), "1e+20");
  EXPECT_EQ(FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatValue(std::nan("")), "NaN");
}

TEST(MetricsFormatTest, ValidatesNames) {
  EXPECT_TRUE(ValidMetricName("gitlab_runner_jobs_total"));
  EXPECT_TRUE(ValidMetricName("a:b"));
  EXPECT_FALSE(ValidMetricName("1abc"));
  EXPECT_FALSE(ValidMetricName("a-b"));
  EXPECT_FALSE(ValidMetricName(""));
  EXPECT_TRUE(ValidLabelName("runner_name"));
  EXPECT_FALSE(ValidLabelName("__reserved"));
  EXPECT_FALSE(ValidLabelName("a:b"));
}

TEST(RegistryTest, RendersCounterAndGaugeWithLabels) {
  Registry r;
  CounterFamily& c = r.AddCounter("jobs_total", "Total number of\nhandled jobs", {"runner", "state"});
  GaugeFamily& g = r.AddGauge("concurrent", "The current value of concurrent setting", {});
  c.Inc({"abc", "ok"});
  c.Inc({"abc", "ok"}, 2);
  c.Inc({"x\"y", "bad\\"});
  c.Inc({"abc", "ok"}, -5);  // ignored
  g.Set({}, 4);
  EXPECT_EQ(c.Value({"abc", "ok"}), 3);
  EXPECT_EQ(r.Render(),
            "# HELP jobs_total Total number of\\nhandled jobs\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{runner=\"abc\",state=\"ok\"} 3\n"
            "jobs_total{runner=\"x\\\"y\",state=\"bad\\\\\"} 1\n"
            "# HELP concurrent The current value of concurrent setting\n"
            "# TYPE concurrent gauge\n"
            "concurrent 4\n");
}

TEST(RegistryTest, RendersHistogramCumulativeBuckets) {
  Registry r;
  HistogramFamily& h = r.AddHistogram("wait_seconds", "Queue wait", {"runner"}, {10, 1, 5});
  h.Observe({"a"}, 0.5);
  h.Observe({"a"}, 1);  // le is inclusive
  h.Observe({"a"}, 7);
  h.Observe({"a"}, 100);
  EXPECT_EQ(h.Count({"a"}), 4u);
  EXPECT_EQ(r.Render(),
            "# HELP wait_seconds Queue wait\n"
            "# TYPE wait_seconds histogram\n"
            "wait_seconds_bucket{runner=\"a\",le=\"1\"} 2\n"
            "wait_seconds_bucket{runner=\"a\",le=\"5\"} 2\n"
            "wait_seconds_bucket{runner=\"a\",le=\"10\"} 3\n"
            "wait_seconds_bucket{runner=\"a\",le=\"+Inf\"} 4\n"
            "wait_seconds_sum{runner=\"a\"} 108.5\n"
            "wait_seconds_count{runner=\"a\"} 4\n");
}

TEST(RegistryTest, HistogramWithoutLabelsHasOnlyLe) {
  Registry r;
  HistogramFamily& h = r.AddHistogram("d", "d", {}, {1});
  h.Observe({}, 2);
  std::string out = r.Render();
  EXPECT_NE(out.find("d_bucket{le=\"1\"} 0\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_bucket{le=\"+Inf\"} 1\n"), std::string::npos) << out;
  EXPECT_NE(out.find("d_sum 2\nd_count 1\n"), std::string::npos) << out;
}

TEST(RegistryTest, CollectorsRunBeforeRenderAndCanBeRemoved) {
  Registry r;
  GaugeFamily& g = r.AddGauge("instances", "Instances by state", {"state"});
  int calls = 0;
  int id = r.AddCollector([&] {
    ++calls;
    g.Clear();
    g.Set({"ready"}, calls);
  });
  EXPECT_NE(r.Render().find("instances{state=\"ready\"} 1\n"), std::string::npos);
  EXPECT_NE(r.Render().find("instances{state=\"ready\"} 2\n"), std::string::npos);
  r.RemoveCollector(id);
  r.Render();
  EXPECT_EQ(calls, 2);
}

TEST(RegistryTest, EmptyFamilyPrintsHelpAndType) {
  Registry r;
  r.AddCounter("failed_total", "Failed", {"failure_reason"});
  EXPECT_EQ(r.Render(), "# HELP failed_total Failed\n# TYPE failed_total counter\n");
}

TEST(RegistryDeathTest, DuplicateOrInvalidNamesAbort) {
  EXPECT_DEATH(
      {
        Registry r;
        r.AddGauge("x", "x", {});
        r.AddGauge("x", "x", {});
      },
      "registered twice");
  EXPECT_DEATH(
      {
        Registry r;
        r.AddHistogram("h", "h", {"le"}, {1});
      },
      "invalid label name");
}

}  // namespace
}  // namespace metrics
