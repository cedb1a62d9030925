#include "metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace metrics {

namespace {

const char* TypeName(Family::Type t) {
  switch (t) {
    case Family::Type::kCounter: return "counter";
    case Family::Type::kGauge: return "gauge";
    case Family::Type::kHistogram: return "histogram";
  }
  return "untyped";
}

void AppendLabels(std::string& out, const std::vector<std::string>& names, const LabelValues& values,
                  const std::string& le = "") {
  if (names.empty() && le.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + EscapeLabelValue(values[i]) + '"';
  }
  if (!le.empty()) {
    if (!names.empty()) out += ',';
    out += "le=\"" + le + '"';
  }
  out += '}';
}

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "metrics: %s\n", why.c_str());
  std::abort();
}

}  // namespace

bool ValidMetricName(const std::string& s) {
  if (s.empty()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool ValidLabelName(const std::string& s) {
  if (s.empty() || s.rfind("__", 0) == 0) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string EscapeHelp(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string EscapeLabelValue(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[40];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    // Shortest form that reads back the same value.
    for (int prec = 1; prec < 17; ++prec) {
      char shorter[40];
      std::snprintf(shorter, sizeof shorter, "%.*g", prec, v);
      if (std::strtod(shorter, nullptr) == v) {
        std::snprintf(buf, sizeof buf, "%s", shorter);
        break;
      }
    }
  }
  return buf;
}

Family::Family(std::string name, std::string help, Type type, std::vector<std::string> label_names,
               std::vector<double> buckets)
    : buckets_(std::move(buckets)),
      name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)) {}

Family::Child& Family::ChildFor(const LabelValues& values) {
  LabelValues key = values;
  key.resize(label_names_.size());
  auto [it, fresh] = children_.try_emplace(std::move(key));
  if (fresh && type_ == Type::kHistogram) it->second.bucket_counts.assign(buckets_.size() + 1, 0);
  return it->second;
}

void Family::Render(std::string& out) const {
  out += "# HELP " + name_ + " " + EscapeHelp(help_) + "\n";
  out += "# TYPE " + name_ + " " + TypeName(type_) + "\n";
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [values, c] : children_) {
    if (type_ != Type::kHistogram) {
      out += name_;
      AppendLabels(out, label_names_, values);
      out += " " + FormatValue(c.value) + "\n";
      continue;
    }
    uint64_t cumulative = 0;
    for (size_t i = 0; i <= buckets_.size(); ++i) {
      cumulative += c.bucket_counts[i];
      out += name_ + "_bucket";
      AppendLabels(out, label_names_, values, i < buckets_.size() ? FormatValue(buckets_[i]) : "+Inf");
      out += " " + std::to_string(cumulative) + "\n";
    }
    out += name_ + "_sum";
    AppendLabels(out, label_names_, values);
    out += " " + FormatValue(c.sum) + "\n";
    out += name_ + "_count";
    AppendLabels(out, label_names_, values);
    out += " " + std::to_string(c.count) + "\n";
  }
}

void CounterFamily::Inc(const LabelValues& values, double v) {
  if (!(v >= 0)) return;
  std::lock_guard<std::mutex> l(mu_);
  ChildFor(values).value += v;
}

double CounterFamily::Value(const LabelValues& values) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = children_.find(values);
  return it == children_.end() ? 0 : it->second.value;
}

void GaugeFamily::Set(const LabelValues& values, double v) {
  std::lock_guard<std::mutex> l(mu_);
  ChildFor(values).value = v;
}

void GaugeFamily::Add(const LabelValues& values, double v) {
  std::lock_guard<std::mutex> l(mu_);
  ChildFor(values).value += v;
}

double GaugeFamily::Value(const LabelValues& values) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = children_.find(values);
  return it == children_.end() ? 0 : it->second.value;
}

void GaugeFamily::Clear() {
  std::lock_guard<std::mutex> l(mu_);
  children_.clear();
}

void HistogramFamily::Observe(const LabelValues& values, double v) {
  std::lock_guard<std::mutex> l(mu_);
  Child& c = ChildFor(values);
  size_t i = std::lower_bound(buckets_.begin(), buckets_.end(), v) - buckets_.begin();
  ++c.bucket_counts[i];
  c.sum += v;
  ++c.count;
}

uint64_t HistogramFamily::Count(const LabelValues& values) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = children_.find(values);
  return it == children_.end() ? 0 : it->second.count;
}

void Registry::CheckNew(const std::string& name, const std::vector<std::string>& labels, bool histogram) {
  if (!ValidMetricName(name)) Die("invalid metric name \"" + name + "\"");
  for (const auto& l : labels) {
    if (!ValidLabelName(l) || (histogram && l == "le")) Die("metric " + name + ": invalid label name \"" + l + "\"");
  }
  for (const auto& f : families_) {
    if (f->name() == name) Die("metric " + name + " registered twice");
  }
}

CounterFamily& Registry::AddCounter(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard<std::mutex> l(mu_);
  CheckNew(name, labels, false);
  auto f = std::make_unique<CounterFamily>(name, help, Family::Type::kCounter, std::move(labels), std::vector<double>{});
  CounterFamily& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

GaugeFamily& Registry::AddGauge(const std::string& name, const std::string& help, std::vector<std::string> labels) {
  std::lock_guard<std::mutex> l(mu_);
  CheckNew(name, labels, false);
  auto f = std::make_unique<GaugeFamily>(name, help, Family::Type::kGauge, std::move(labels), std::vector<double>{});
  GaugeFamily& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

HistogramFamily& Registry::AddHistogram(const std::string& name, const std::string& help,
                                        std::vector<std::string> labels, std::vector<double> buckets) {
  std::lock_guard<std::mutex> l(mu_);
  CheckNew(name, labels, true);
  std::sort(buckets.begin(), buckets.end());
  buckets.erase(std::unique(buckets.begin(), buckets.end()), buckets.end());
  while (!buckets.empty() && std::isinf(buckets.back())) buckets.pop_back();
  auto f = std::make_unique<HistogramFamily>(name, help, Family::Type::kHistogram, std::move(labels), std::move(buckets));
  HistogramFamily& ref = *f;
  families_.push_back(std::move(f));
  return ref;
}

int Registry::AddCollector(std::function<void()> fn) {
  std::lock_guard<std::mutex> l(collect_mu_);
  int id = next_collector_++;
  collectors_[id] = std::move(fn);
  return id;
}

void Registry::RemoveCollector(int id) {
  std::lock_guard<std::mutex> l(collect_mu_);
  collectors_.erase(id);
}

std::string Registry::Render() const {
  {
    std::lock_guard<std::mutex> l(collect_mu_);
    for (const auto& [id, fn] : collectors_) fn();
  }
  std::string out;
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& f : families_) f->Render(out);
  return out;
}

}  // namespace metrics
