#include "cloud/dead_man_switch.h"

#include <algorithm>

namespace cloud {

std::string HeartbeatCommand() {
  return std::string("touch \"${") + kHeartbeatFileEnv + ":-" + kDefaultHeartbeatFile + "}\"";
}

std::chrono::seconds HeartbeatInterval(std::chrono::seconds timeout) {
  return std::clamp<std::chrono::seconds>(timeout / 4, std::chrono::seconds(1), std::chrono::seconds(60));
}

std::string WatcherScript(const WatcherOptions& o) {
  const long long timeout = o.timeout.count();
  std::string s =
      "#!/bin/sh\n"
      "# spotrunner dead-man switch: powers this instance off when its manager has not\n"
      "# touched the heartbeat file for the timeout (seconds).\n"
      "hb='" + o.heartbeat_file + "'\n"
      "limit=${" + std::string(kDeadManTimeoutEnv) + ":-" + std::to_string(timeout) + "}\n"
      "mkdir -p \"$(dirname \"$hb\")\"\n"
      "touch \"$hb\"\n" +
      o.prologue + (o.prologue.empty() || o.prologue.back() == '\n' ? "" : "\n") +
      // Checks a few times per timeout, at most every 10 s.
      "poll=$((limit / 5)); [ \"$poll\" -lt 1 ] && poll=1; [ \"$poll\" -gt 10 ] && poll=10\n"
      "while sleep \"$poll\"; do\n";
  if (!o.still_present.empty()) s += "  " + o.still_present + " || exit 0\n";
  s += "  last=$(stat -c %Y \"$hb\" 2>/dev/null) || { touch \"$hb\"; continue; }\n"
       "  now=$(date +%s)\n"
       // Whole seconds on both sides: "-le" keeps a full timeout after the last touch
       // (12.9 -> 14.0 reads as 2 s but is 1.1 s).
       "  [ $((now - last)) -le \"$limit\" ] && continue\n"
       "  echo \"spotrunner dead-man switch: no heartbeat from the manager for $((now - last)) s \"\\\n"
       "\"(limit $limit s); powering off\"\n" +
       o.power_off + (o.power_off.back() == '\n' ? "" : "\n") +
       "  exit 0\n"
       "done\n";
  return s;
}

}  // namespace cloud
