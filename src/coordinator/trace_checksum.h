#pragma once
// The trace checksum a runner reports in PUT output.checksum: "crc32:" + 8 lowercase
// hex digits of CRC-32/IEEE over the trace bytes.
#include <string>
#include <string_view>

namespace coordinator {

std::string TraceChecksum(std::string_view bytes);

}  // namespace coordinator
