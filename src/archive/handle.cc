#include "archive/handle.h"

#include <archive.h>

namespace archives {

void ReadFree::operator()(::archive* a) const { archive_read_free(a); }
void WriteFree::operator()(::archive* a) const { archive_write_free(a); }

std::string ErrorOf(::archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

}  // namespace archives
