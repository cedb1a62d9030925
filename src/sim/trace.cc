#include "sim/trace.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace sim {
namespace {

std::vector<std::string_view> SplitRow(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == ',') {
      std::string_view f = line.substr(start, i - start);
      while (!f.empty() && (f.front() == ' ' || f.front() == '"')) f.remove_prefix(1);
      while (!f.empty() && (f.back() == ' ' || f.back() == '"' || f.back() == '\r')) f.remove_suffix(1);
      out.push_back(f);
      start = i + 1;
    }
  }
  return out;
}

bool ParseNumber(std::string_view f, double* out) {
  std::string s(f);
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end == s.c_str() + s.size() && std::isfinite(*out);
}

}  // namespace

util::Result<std::vector<TraceJob>> ParseTraceCsv(const std::string& text, const std::string& name) {
  std::vector<TraceJob> jobs;
  size_t pos = 0;
  int line_no = 0;
  int arrival_col = -1, run_col = -1;
  size_t columns = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.empty() || line == "\r") continue;
    auto fields = SplitRow(line);
    auto where = name + ":" + std::to_string(line_no) + ": ";
    if (arrival_col < 0) {
      for (size_t i = 0; i < fields.size(); ++i) {
        if (fields[i] == "arrival_s") arrival_col = static_cast<int>(i);
        if (fields[i] == "run_s") run_col = static_cast<int>(i);
      }
      if (arrival_col < 0 || run_col < 0)
        return util::Status::InvalidArgument(where + "header needs the columns arrival_s and run_s");
      columns = fields.size();
      continue;
    }
    if (fields.size() < columns)
      return util::Status::InvalidArgument(where + "want " + std::to_string(columns) + " columns, got " +
                                           std::to_string(fields.size()));
    TraceJob j;
    if (!ParseNumber(fields[arrival_col], &j.arrival_s))
      return util::Status::InvalidArgument(where + "arrival_s \"" + std::string(fields[arrival_col]) +
                                           "\" is not a number");
    if (!ParseNumber(fields[run_col], &j.run_s) || j.run_s < 0)
      return util::Status::InvalidArgument(where + "run_s \"" + std::string(fields[run_col]) +
                                           "\" is not a non-negative number");
    jobs.push_back(j);
  }
  if (arrival_col < 0) return util::Status::InvalidArgument(name + ": empty trace (no header)");
  if (jobs.empty()) return util::Status::InvalidArgument(name + ": no job rows");
  std::stable_sort(jobs.begin(), jobs.end(), [](const TraceJob& a, const TraceJob& b) { return a.arrival_s < b.arrival_s; });
  double origin = jobs.front().arrival_s;
  for (auto& j : jobs) j.arrival_s -= origin;
  return jobs;
}

}  // namespace sim
