#include "artifacts/file_body.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

namespace artifacts {

util::Result<std::unique_ptr<FileBody>> FileBody::Open(const std::string& path) {
  std::unique_ptr<FileBody> b(new FileBody());
  b->file_ = std::fopen(path.c_str(), "rb");
  if (!b->file_) return util::Status::IOError("cannot open \"" + path + "\": " + std::strerror(errno));
  struct stat st;
  if (fstat(fileno(b->file_), &st) != 0) return util::Status::IOError("cannot stat \"" + path + "\"");
  b->file_size_ = st.st_size;
  return b;
}

FileBody::~FileBody() {
  if (file_) std::fclose(file_);
}

void FileBody::WrapMultipart(const std::string& boundary, const std::string& field, const std::string& filename) {
  std::string quoted;
  for (char c : filename) quoted += (c == '"' || c == '\r' || c == '\n') ? '_' : c;
  head_ = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + quoted +
          "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  tail_ = "\r\n--" + boundary + "--\r\n";
}

void FileBody::Rewind() {
  pos_ = 0;
  read_error_ = false;
  std::fseek(file_, 0, SEEK_SET);
}

size_t FileBody::Read(char* buf, size_t cap) {
  const int64_t head = static_cast<int64_t>(head_.size());
  size_t n = 0;
  while (n < cap) {
    if (pos_ < head) {
      size_t k = std::min(cap - n, static_cast<size_t>(head - pos_));
      std::memcpy(buf + n, head_.data() + pos_, k);
      pos_ += static_cast<int64_t>(k);
      n += k;
    } else if (pos_ < head + file_size_) {
      size_t want = std::min(cap - n, static_cast<size_t>(head + file_size_ - pos_));
      size_t got = std::fread(buf + n, 1, want, file_);
      if (got == 0) {
        read_error_ = true;  // file shrank or failed under us
        return util::HttpRequest::kAbortRead;
      }
      pos_ += static_cast<int64_t>(got);
      n += got;
    } else {
      int64_t t = pos_ - head - file_size_;
      if (t >= static_cast<int64_t>(tail_.size())) break;
      size_t k = std::min(cap - n, tail_.size() - static_cast<size_t>(t));
      std::memcpy(buf + n, tail_.data() + t, k);
      pos_ += static_cast<int64_t>(k);
      n += k;
    }
  }
  return n;
}

void FileBody::Attach(util::HttpRequest* request) {
  request->read_body = [this](char* buf, size_t cap) { return Read(buf, cap); };
  request->body_size = size();
}

std::string NewBoundary() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string b = "------spotrunner";
  for (int i = 0; i < 24; ++i) b += kHex[rd() & 15];
  return b;
}

}  // namespace artifacts
