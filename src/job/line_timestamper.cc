#include "job/line_timestamper.h"

#include <cstdio>
#include <ctime>

namespace job {

LineTimestamper::LineTimestamper(const util::Clock& clock, uint8_t stream, char type)
    : clock_(clock), stream_(stream), type_(type) {}

std::string LineTimestamper::Prefix() {
  const auto since_epoch = clock_.Now().time_since_epoch();
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count();
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];  // room for any int the compiler imagines in each field
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ %02x%c%c", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(micros % 1000000), stream_, type_,
                continuation_);
  continuation_ = ' ';
  return buf;
}

void LineTimestamper::Write(std::string_view in, std::string& out) {
  // Whole lines: the held partial line ends with the first of them.
  size_t nl = in.find('\n');
  if (nl != std::string_view::npos) {
    if (!held_.empty()) {
      out += held_;
      held_.clear();
      out.append(in.substr(0, nl + 1));
      in.remove_prefix(nl + 1);
    }
    while ((nl = in.find('\n')) != std::string_view::npos) {
      out += Prefix();
      out.append(in.substr(0, nl + 1));
      in.remove_prefix(nl + 1);
    }
  }
  if (in.empty()) return;
  // A carriage return without a newline: shown now, the next write continues the line.
  // So does a partial line too long to hold back.
  if (in.find('\r') != std::string_view::npos || held_.size() + in.size() > kHoldBytes) {
    out += held_.empty() ? Prefix() : held_;
    held_.clear();
    out.append(in);
    out += '\n';
    continuation_ = '+';
    return;
  }
  if (held_.empty()) held_ = Prefix();
  held_.append(in);
}

void LineTimestamper::Flush(std::string& out) {
  if (held_.empty()) return;
  out += held_;
  out += '\n';
  held_.clear();
}

}  // namespace job
