#pragma once
// Request bodies streamed from a file: the raw file (a presigned PUT) or one multipart
// form-data part wrapped around it (POST /jobs/:id/artifacts). The file is read in
// pieces as curl asks for them, so memory does not grow with its size; the total length
// is known up front, so no chunked encoding is needed.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "util/http_client.h"
#include "util/status.h"

namespace artifacts {

class FileBody {
 public:
  // Opens `path`. IOError (naming the path) when it cannot be opened.
  static util::Result<std::unique_ptr<FileBody>> Open(const std::string& path);
  // Wraps the content in a multipart/form-data part named `field` with `filename`.
  void WrapMultipart(const std::string& boundary, const std::string& field, const std::string& filename);

  int64_t size() const { return static_cast<int64_t>(head_.size() + tail_.size()) + file_size_; }
  int64_t file_size() const { return file_size_; }
  // Starts over from the first byte (for a retry).
  void Rewind();
  // Sets request.read_body / body_size to stream this body. REQUIRES: `this` outlives
  // the request.
  void Attach(util::HttpRequest* request);

  ~FileBody();
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;

 private:
  FileBody() = default;
  size_t Read(char* buf, size_t cap);

  FILE* file_ = nullptr;
  int64_t file_size_ = 0;
  std::string head_, tail_;
  int64_t pos_ = 0;  // over head + file + tail
  bool read_error_ = false;
};

// A boundary string that does not occur in practice ("------spotrunner<random hex>").
std::string NewBoundary();

}  // namespace artifacts
