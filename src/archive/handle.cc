#include "archive/handle.h"

#include <archive.h>
#include <malloc.h>

#include <mutex>

namespace archives {

void ReadFree::operator()(::archive* a) const { archive_read_free(a); }
void WriteFree::operator()(::archive* a) const { archive_write_free(a); }

void KeepAllocatorMemory() {
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_MMAP_THRESHOLD, 4 << 20);
  });
}

std::string ErrorOf(::archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

}  // namespace archives
