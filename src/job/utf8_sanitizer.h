#pragma once
// Streaming UTF-8 repair for the job log (§7.1): each maximal invalid subpart (Unicode's
// "substitution of maximal subparts") becomes U+FFFD; a sequence split across writes is
// kept back until it is complete. Not thread-safe.
#include <string>
#include <string_view>

namespace job {

class Utf8Sanitizer {
 public:
  // Appends the valid UTF-8 for `bytes` to `out`, keeping back an incomplete tail (≤ 3 bytes).
  void Write(std::string_view bytes, std::string& out);
  // End of stream: a kept-back incomplete sequence becomes U+FFFD.
  void Flush(std::string& out);

  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

 private:
  // Appends `buf` repaired; returns how many trailing bytes form an incomplete sequence.
  static size_t Repair(std::string_view buf, std::string& out);
  std::string pending_;
};

// The length of the longest prefix of `s` (valid UTF-8) that is at most `max` bytes and
// does not end inside a character.
size_t Utf8CutPoint(std::string_view s, size_t max);

}  // namespace job
