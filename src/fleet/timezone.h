#pragma once
// fleet::TimeZone: UTC offsets of one IANA zone, read from TZif bytes (RFC 8536).
// libstdc++ 12 has no std::chrono::zoned_time, so this is a small reader of its own.
// Pure: it parses bytes it is handed; loading /usr/share/zoneinfo files is the
// caller's job (see TzLoader). Copyable value type.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.h"
#include "util/status.h"

namespace fleet {

class TimeZone {
 public:
  // UTC, no transitions.
  TimeZone() = default;
  static TimeZone Utc() { return TimeZone(); }
  static TimeZone FixedOffset(std::string name, int offset_s);
  // Parses TZif version 1, 2 or 3 bytes. For instants after the last transition the
  // last offset stays in force (Debian ships "fat" files with transitions to 2037).
  // On failure: kInvalidArgument naming the zone and what is wrong.
  static util::Result<TimeZone> FromTzif(const std::string& name, std::string_view bytes);

  const std::string& name() const { return name_; }
  // Seconds to add to UTC to get local time at `t`.
  int OffsetAt(util::Time t) const;
  // Local civil seconds since 1970-01-01T00:00 local.
  int64_t LocalSeconds(util::Time t) const;

 private:
  std::string name_ = "UTC";
  std::vector<int64_t> transitions_;  // UTC seconds, ascending
  std::vector<int> offsets_;          // offset after each transition
  int initial_offset_ = 0;
};

// Returns the TZif bytes of a zone name, or of the host's local zone for "" (the
// caller reads files; fleet/ does no I/O).
using TzLoader = std::function<util::Result<std::string>(const std::string& name)>;

// "" and "UTC"/"Etc/UTC" need no loader; other names go through `loader`.
util::Result<TimeZone> LoadTimeZone(const std::string& name, const TzLoader& loader);

}  // namespace fleet
