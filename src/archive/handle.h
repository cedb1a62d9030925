#pragma once
// RAII owners of libarchive's read and write handles (archive_read_free /
// archive_write_free in the destructor), and the error text of a handle.
#include <memory>
#include <string>

struct archive;  // libarchive's handle; it is why this folder's namespace is "archives"

namespace archives {

struct ReadFree {
  void operator()(::archive* a) const;
};
struct WriteFree {
  void operator()(::archive* a) const;
};
using ReadHandle = std::unique_ptr<::archive, ReadFree>;
using WriteHandle = std::unique_ptr<::archive, WriteFree>;

// Tells malloc to keep freed memory instead of returning it to the kernel at once: libarchive
// allocates and frees a compressor state (about 256 KiB for deflate) per entry, and with
// glibc's defaults each one grows the heap and trims it again, so the kernel zero-fills
// fresh pages for every small file. Process-wide and idempotent; the helper verbs that
// archive and extract are short-lived processes.
void KeepAllocatorMemory();

// archive_error_string, or "unknown error".
std::string ErrorOf(::archive* a);

}  // namespace archives
