#pragma once
// FF_TIMESTAMPS: every line of the job log gets the prefix gitlab-runner writes (and GitLab
// 17.1+ renders as a time column):
//   <YYYY-MM-DDTHH:MM:SS.uuuuuuZ> <stream id, 2 hex digits><O|E><' ' or '+'><line>
// '+' marks the continuation of the previous line: after a write that ended in a carriage
// return without a newline (a progress bar, a section end), flushed at once so the live
// log shows it, or after a line too long to hold back.
//
// It runs after masking, on what is stored: a prefix never splits a secret, and a secret
// split across writes is masked before any prefix goes in.
#include <cstdint>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace job {

class LineTimestamper {
 public:
  // `clock` must outlive the timestamper.
  explicit LineTimestamper(const util::Clock& clock, uint8_t stream = 0, char type = 'O');

  // Appends `in` to `out`, each line with its prefix; holds back a partial line (up to
  // kHoldBytes) until its newline comes.
  void Write(std::string_view in, std::string& out);
  // Releases a held partial line, ended with a newline.
  void Flush(std::string& out);

  // A partial line longer than this is written out and continued with '+'.
  static constexpr size_t kHoldBytes = 8 * 1024;

 private:
  // The prefix for a line starting now; the next one is a full line again.
  std::string Prefix();

  const util::Clock& clock_;
  const uint8_t stream_;
  const char type_;
  char continuation_ = ' ';
  std::string held_;  // a partial line with its prefix
};

}  // namespace job
