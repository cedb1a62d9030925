#include "coordinator/tokens.h"

namespace coordinator {

TokenGenerator::TokenGenerator(uint64_t seed) {
  if (seed == 0) {
    std::random_device rd;
    seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  rng_.seed(seed);
}

std::string TokenGenerator::Chars(size_t n) {
  static const char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-";
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(kAlphabet[rng_() % 64]);
  return out;
}

std::string TokenGenerator::Hex32() {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (int i = 0; i < 32; ++i) out.push_back(kHex[rng_() % 16]);
  return out;
}

std::string RotatedRunnerToken(TokenGenerator& gen, const std::string& old) {
  if (old.rfind("glrt-", 0) == 0) return gen.CreatedRunnerToken();
  if (old.rfind("glrtr-", 0) == 0) return gen.RegisteredRunnerToken();
  return gen.Chars(30);
}

}  // namespace coordinator
