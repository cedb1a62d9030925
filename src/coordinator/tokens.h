#pragma once
// TokenGenerator: the random strings GitLab hands out (runner, job and registration
// tokens, queue versions), drawn from one seeded generator.
// Thread-compatible: the Coordinator calls it under its own lock.
#include <cstdint>
#include <random>
#include <string>

namespace coordinator {

class TokenGenerator {
 public:
  // seed 0 = seeded from std::random_device.
  explicit TokenGenerator(uint64_t seed);

  // `n` characters of GitLab's token alphabet [0-9A-Za-z_-].
  std::string Chars(size_t n);
  // 32 lowercase hex characters (a queue version, like Workhorse's Redis values).
  std::string Hex32();

  // "glrt-" + 20 chars: a runner created in the UI/API (authentication token).
  std::string CreatedRunnerToken() { return "glrt-" + Chars(20); }
  // "glrtr-" + 20 chars: a runner registered with a registration token.
  std::string RegisteredRunnerToken() { return "glrtr-" + Chars(20); }
  // "GR1348941" + 20 chars: a registration token.
  std::string RegistrationToken() { return "GR1348941" + Chars(20); }
  // "glcbt-" + 20 chars: a CI job token.
  std::string JobToken() { return "glcbt-" + Chars(20); }

 private:
  std::mt19937_64 rng_;
};

// A new token of the same family as `old` (glrt- stays glrt-, glrtr- stays glrtr-).
std::string RotatedRunnerToken(TokenGenerator& gen, const std::string& old);

}  // namespace coordinator
