#pragma once
// Random lowercase hex strings from the system's entropy source: names that must not
// collide between processes (containers, volumes) and nonces output cannot guess.
#include <cstddef>
#include <random>
#include <string>

namespace util {

inline std::string RandomHex(size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    unsigned v = rd();
    for (int i = 0; i < 8 && out.size() < n; ++i, v >>= 4) out += kHex[v & 15];
  }
  return out;
}

}  // namespace util
