#pragma once
// Go's time.Duration text form, as config.toml uses it ("15m0s", "1h30m", "500ms", "0s").
#include <string>
#include <string_view>

#include "config/config.h"
#include "util/status.h"

namespace config {

// Parses a Go duration string exactly as Go's time.ParseDuration does: an optional sign, then
// one or more decimal numbers (fraction allowed) each followed by a unit: "ns", "us", "µs",
// "μs", "ms", "s", "m", "h". "0" alone is valid. On failure returns kInvalidArgument with Go's
// wording: time: invalid duration "x", time: missing unit in duration "1",
// time: unknown unit "d" in duration "1d".
util::Result<Duration> ParseGoDuration(std::string_view text);

// Formats as Go's Duration.String(): "0s", "1.5µs", "500ms", "10s", "15m0s", "1h0m0s", "-2s".
std::string FormatGoDuration(Duration d);

}  // namespace config
