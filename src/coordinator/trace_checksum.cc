#include "coordinator/trace_checksum.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

namespace coordinator {

std::string TraceChecksum(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  size_t off = 0;
  while (off < bytes.size()) {
    const uInt n = static_cast<uInt>(std::min<size_t>(bytes.size() - off, 1u << 30));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + off), n);
    off += n;
  }
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%08lx", static_cast<unsigned long>(crc));
  return std::string("crc32:") + buf;
}

}  // namespace coordinator
