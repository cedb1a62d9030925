#pragma once
// Splits one fuzz input into the pieces a target needs (a selector byte, a few strings, the
// rest), so that every input is valid for every target and libFuzzer mutates all of them.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzzing {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  // The next byte, or 0 when the input is used up.
  uint8_t Byte() {
    if (rest_.empty()) return 0;
    uint8_t b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  // The bytes up to the next `sep` (consumed, not returned), or all that is left.
  std::string_view Until(char sep) {
    size_t n = rest_.find(sep);
    std::string_view piece = rest_.substr(0, n);
    rest_.remove_prefix(n == std::string_view::npos ? rest_.size() : n + 1);
    return piece;
  }
  std::string_view Rest() {
    std::string_view r = rest_;
    rest_ = {};
    return r;
  }
  bool empty() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

// Cuts `text` into pieces whose sizes follow `sizes` (cycled, 0 read as 1): the same bytes
// fed to a streaming parser in the split the fuzzer chose.
template <typename Fn>
void ForEachPiece(std::string_view text, std::string_view sizes, Fn&& fn) {
  size_t i = 0;
  while (!text.empty()) {
    size_t n = sizes.empty() ? text.size() : static_cast<uint8_t>(sizes[i++ % sizes.size()]);
    if (n == 0) n = 1;
    n = n < text.size() ? n : text.size();
    fn(text.substr(0, n));
    text.remove_prefix(n);
  }
}

}  // namespace fuzzing

// A broken invariant is a finding: say which, then abort so libFuzzer keeps the input.
#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                               \
    }                                                                             \
  } while (0)
