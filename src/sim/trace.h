#pragma once
// sim::Trace: a job trace: CSV with a header holding at least arrival_s (seconds, any
// origin) and run_s; other columns are ignored. Rows are sorted by arrival on load.
#include <string>
#include <vector>

#include "util/status.h"

namespace sim {

struct TraceJob {
  double arrival_s = 0;  // relative to the first arrival after loading
  double run_s = 0;
};

// `name` prefixes errors: "trace.csv:17: run_s \"abc\" is not a number".
// kInvalidArgument for a missing column, a bad or negative number, a short row, no rows.
util::Result<std::vector<TraceJob>> ParseTraceCsv(const std::string& text, const std::string& name);

}  // namespace sim
