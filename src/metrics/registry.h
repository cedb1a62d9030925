#pragma once
// metrics::Registry: a tiny Prometheus registry. Counters, gauges and histograms, each a
// family with fixed label names whose children are keyed by label values, rendered in
// the text exposition format 0.0.4 (HELP/TYPE lines, escaped label values, histogram
// _bucket/_sum/_count series). Collectors run just before each render so values that
// are cheaper to read than to track (instances by state, running jobs) are fresh.
//
// Thread safety: every method may be called from any thread. Families live as long as
// the registry; references returned by Add* stay valid. Not copyable.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace metrics {

using LabelValues = std::vector<std::string>;

class Family {
 public:
  enum class Type { kCounter, kGauge, kHistogram };
  Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
         std::vector<double> buckets);
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;

  const std::string& name() const { return name_; }
  // Appends the family's HELP, TYPE and sample lines to `out`. Families without
  // children print only HELP and TYPE.
  void Render(std::string& out) const;

 protected:
  struct Child {
    double value = 0;                    // counter, gauge
    std::vector<uint64_t> bucket_counts;  // histogram, not cumulative; +Inf last
    double sum = 0;
    uint64_t count = 0;
  };
  // REQUIRES: mu_ held. A value list of the wrong size is padded or cut to fit.
  Child& ChildFor(const LabelValues& values);

  mutable std::mutex mu_;
  std::map<LabelValues, Child> children_;
  std::vector<double> buckets_;  // upper bounds, ascending, without +Inf

 private:
  std::string name_;
  std::string help_;
  Type type_;
  std::vector<std::string> label_names_;
};

class CounterFamily final : public Family {
 public:
  using Family::Family;
  // Adds `v` (ignored when negative: counters only go up).
  void Inc(const LabelValues& values, double v = 1);
  double Value(const LabelValues& values) const;
};

class GaugeFamily final : public Family {
 public:
  using Family::Family;
  void Set(const LabelValues& values, double v);
  void Add(const LabelValues& values, double v);
  double Value(const LabelValues& values) const;
  // Drops every child (a collector that re-sets all its series calls this first).
  void Clear();
};

class HistogramFamily final : public Family {
 public:
  using Family::Family;
  void Observe(const LabelValues& values, double v);
  uint64_t Count(const LabelValues& values) const;
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // REQUIRES: `name` matches [a-zA-Z_:][a-zA-Z0-9_:]*, each label name matches
  // [a-zA-Z_][a-zA-Z0-9_]* without a "__" prefix and is not "le" for histograms, and the
  // name was not added before (the program aborts otherwise: these are constants).
  CounterFamily& AddCounter(const std::string& name, const std::string& help, std::vector<std::string> labels);
  GaugeFamily& AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels);
  // `buckets`: ascending upper bounds; +Inf is implied.
  HistogramFamily& AddHistogram(const std::string& name, const std::string& help, std::vector<std::string> labels,
                                std::vector<double> buckets);

  // Runs `fn` before each Render (from the HTTP server's threads). Returns an id for
  // RemoveCollector; once that returns, `fn` is not running and never runs again.
  int AddCollector(std::function<void()> fn);
  void RemoveCollector(int id);

  // The whole exposition, families in the order they were added.
  std::string Render() const;

 private:
  void CheckNew(const std::string& name, const std::vector<std::string>& labels, bool histogram);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Family>> families_;
  mutable std::mutex collect_mu_;  // held while collectors run, and by RemoveCollector
  std::map<int, std::function<void()>> collectors_;  // guarded by collect_mu_
  int next_collector_ = 1;
};

// Text-format helpers, exposed for tests.
std::string EscapeHelp(const std::string& s);        // \ and newline
std::string EscapeLabelValue(const std::string& s);  // \, " and newline
std::string FormatValue(double v);                   // 3, 0.25, +Inf, -Inf, NaN
bool ValidMetricName(const std::string& s);
bool ValidLabelName(const std::string& s);

}  // namespace metrics
