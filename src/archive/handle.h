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

// archive_error_string, or "unknown error".
std::string ErrorOf(::archive* a);

}  // namespace archives
