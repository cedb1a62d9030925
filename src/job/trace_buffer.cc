#include "job/trace_buffer.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>

namespace job {

TraceBuffer::TraceBuffer(const MaskerOptions& masking, int64_t limit_bytes, const util::Clock& clock,
                         bool timestamps)
    : clock_(clock),
      limit_(limit_bytes),
      masker_(masking),
      stamper_(timestamps ? std::make_unique<LineTimestamper>(clock) : nullptr) {}

std::string TraceBuffer::LimitMessage(int64_t limit_bytes) {
  return "\n\x1b[33;1mJob's log exceeded limit of " + std::to_string(limit_bytes) +
         " bytes.\nJob execution will continue but no more output will be collected.\x1b[0;m\n";
}

void TraceBuffer::Append(std::string_view bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  AppendLocked(bytes);
}

void TraceBuffer::AppendLocked(std::string_view bytes) {
  if (finished_ || limited_ || bytes.empty()) return;
  masked_.clear();
  masker_.Write(bytes, masked_);
  clean_.clear();
  utf8_.Write(masked_, clean_);
  StampAndStoreLocked(false);
}

void TraceBuffer::StampAndStoreLocked(bool flush) {
  if (!stamper_) {
    StoreLocked(clean_);
    return;
  }
  stamped_.clear();
  stamper_->Write(clean_, stamped_);
  if (flush) stamper_->Flush(stamped_);
  StoreLocked(stamped_);
}

void TraceBuffer::StoreLocked(std::string_view bytes) {
  if (limited_ || bytes.empty()) return;
  if (limit_ > 0 && static_cast<int64_t>(log_.size() + bytes.size()) > limit_) {
    size_t room = static_cast<size_t>(std::max<int64_t>(0, limit_ - static_cast<int64_t>(log_.size())));
    bytes = bytes.substr(0, Utf8CutPoint(bytes, room));
    std::string msg = LimitMessage(limit_);
    log_.append(bytes);
    log_.append(msg);
    crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
    crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(msg.data()), static_cast<uInt>(msg.size()));
    limited_ = true;
    return;
  }
  log_.append(bytes);
  crc_ = crc32(crc_, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size()));
}

void TraceBuffer::Info(std::string_view text) {
  Append("\x1b[32;1m" + std::string(text) + "\x1b[0;m\n");
}

void TraceBuffer::Warning(std::string_view text) {
  Append("\x1b[0;33mWARNING: " + std::string(text) + "\x1b[0;m\n");
}

void TraceBuffer::Error(std::string_view text) {
  Append("\x1b[31;1mERROR: " + std::string(text) + "\x1b[0;m\n");
}

void TraceBuffer::Print(std::string_view text) { Append("\x1b[0K" + std::string(text) + "\n"); }

void TraceBuffer::SectionStart(std::string_view name, std::string_view heading, std::string_view options) {
  std::string s = "section_start:" + std::to_string(util::UnixSeconds(clock_.Now())) + ":" + std::string(name);
  if (!options.empty()) s += "[" + std::string(options) + "]";
  s += "\r\x1b[0K";
  if (!heading.empty()) s += "\x1b[36;1m" + std::string(heading) + "\x1b[0;m\n";
  Append(s);
}

void TraceBuffer::SectionEnd(std::string_view name) {
  Append("section_end:" + std::to_string(util::UnixSeconds(clock_.Now())) + ":" + std::string(name) +
         "\r\x1b[0K");
}

void TraceBuffer::Finish() {
  std::lock_guard<std::mutex> lock(mu_);
  if (finished_) return;
  if (!limited_) {
    masked_ = masker_.Flush();
    clean_.clear();
    utf8_.Write(masked_, clean_);
    utf8_.Flush(clean_);
    StampAndStoreLocked(true);
  }
  finished_ = true;
}

std::string TraceBuffer::Read(int64_t offset, int64_t max) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (offset < 0 || max <= 0 || offset >= static_cast<int64_t>(log_.size())) return {};
  return log_.substr(static_cast<size_t>(offset), static_cast<size_t>(max));
}

int64_t TraceBuffer::Size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(log_.size());
}

std::string TraceBuffer::Checksum() const {
  std::lock_guard<std::mutex> lock(mu_);
  char buf[32];
  std::snprintf(buf, sizeof buf, "crc32:%08x", static_cast<unsigned>(crc_));
  return buf;
}

bool TraceBuffer::LimitReached() const {
  std::lock_guard<std::mutex> lock(mu_);
  return limited_;
}

bool TraceBuffer::Finished() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finished_;
}

}  // namespace job
