#pragma once
// Docker resource strings of [runners.docker]: memory sizes ("512m", "1g", "1024") and CPU
// counts ("1.5"), converted to the Engine API's units.
#include <cstdint>
#include <string>

#include "util/status.h"

namespace executor::docker {

// Bytes of "<number>[b|k|m|g][b]" (binary units, case-insensitive); "" is 0.
// kInvalidArgument otherwise, naming the value.
util::Result<int64_t> ParseMemoryBytes(const std::string& s);
// Billionths of a CPU of a decimal count ("1.5" -> 1500000000); "" is 0.
util::Result<int64_t> ParseNanoCpus(const std::string& s);

}  // namespace executor::docker
