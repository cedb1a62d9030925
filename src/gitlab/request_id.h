#pragma once
// Correlation ids for the X-Request-Id header (protocol reference §1.3).
#include <random>
#include <string>

namespace gitlab {

// A random UUIDv4 as 32 lowercase hex digits without dashes. Not thread-safe (the rng).
std::string NewRequestId(std::mt19937_64& rng);

}  // namespace gitlab
