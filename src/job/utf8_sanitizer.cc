#include "job/utf8_sanitizer.h"

#include <cstdint>
#include <cstring>

namespace job {
namespace {

// Length of the valid sequence at s[i] (0 = invalid start or bad continuation, with
// `bad` set to the length of the maximal invalid subpart), or -1 when s ends inside a
// sequence that is valid so far.
int SequenceAt(std::string_view s, size_t i, size_t& bad) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  int n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    bad = 1;
    return 0;
  }
  for (int k = 1; k < n; ++k) {
    if (i + k >= s.size()) return -1;
    unsigned char x = b(i + k);
    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (x < l || x > h) {
      bad = k;
      return 0;
    }
  }
  return n;
}

}  // namespace

size_t Utf8Sanitizer::Repair(std::string_view buf, std::string& out) {
  const size_t len = buf.size();
  size_t i = 0, plain = 0;
  while (i < len) {
    // ASCII fast path, eight bytes at a time.
    while (i + 8 <= len) {
      uint64_t w;
      std::memcpy(&w, buf.data() + i, 8);
      if (w & 0x8080808080808080ull) break;
      i += 8;
    }
    if (i >= len) break;
    if (static_cast<unsigned char>(buf[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t bad = 0;
    int n = SequenceAt(buf, i, bad);
    if (n > 0) {
      i += n;
      continue;
    }
    out.append(buf.substr(plain, i - plain));
    if (n < 0) return len - i;  // incomplete tail
    out.append(kReplacement);
    i += bad;
    plain = i;
  }
  out.append(buf.substr(plain, len - plain));
  return 0;
}

void Utf8Sanitizer::Write(std::string_view bytes, std::string& out) {
  if (pending_.empty()) {
    size_t keep = Repair(bytes, out);
    pending_.assign(bytes.substr(bytes.size() - keep));
    return;
  }
  std::string buf = pending_ + std::string(bytes);
  size_t keep = Repair(buf, out);
  pending_.assign(buf, buf.size() - keep, keep);
}

void Utf8Sanitizer::Flush(std::string& out) {
  if (!pending_.empty()) out.append(kReplacement);
  pending_.clear();
}

size_t Utf8CutPoint(std::string_view s, size_t max) {
  if (s.size() <= max) return s.size();
  size_t cut = max;
  // Step back over continuation bytes to the start of the character at `cut`.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return cut;
}

}  // namespace job
