#pragma once
// The log of one job as it will be sent to GitLab (§7). Append runs, in order: masking
// (job/masker.h), UTF-8 repair (invalid sequences → U+FFFD, also across appends), the
// FF_TIMESTAMPS line prefixes when asked (job/line_timestamper.h), then the output limit.
// The stored bytes are final: Read, Size and Checksum all describe exactly them, so the
// trace sender can send ranges while the job still writes.
//
// Thread safety: every method may be called from any thread (one internal mutex).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "executor/executor.h"
#include "job/line_timestamper.h"
#include "job/masker.h"
#include "job/utf8_sanitizer.h"
#include "util/clock.h"

namespace job {

class TraceBuffer final : public executor::OutputSink {
 public:
  // `limit_bytes`: the output limit in bytes (config output_limit KiB * 1024); <= 0 means
  // no limit. `clock` stamps the section markers (and the lines, with `timestamps`); it
  // must outlive the buffer.
  TraceBuffer(const MaskerOptions& masking, int64_t limit_bytes, const util::Clock& clock, bool timestamps = false);
  TraceBuffer(const TraceBuffer&) = delete;
  TraceBuffer& operator=(const TraceBuffer&) = delete;

  // Adds job or runner output. After Finish, or once the limit was hit, it is dropped.
  void Append(std::string_view bytes);
  void Write(std::string_view bytes) override { Append(bytes); }

  // Runner lines (§7.2); each ends with "\x1b[0;m\n".
  void Info(std::string_view text);     // "\x1b[32;1m<text>\x1b[0;m\n"
  void Warning(std::string_view text);  // "\x1b[0;33mWARNING: <text>\x1b[0;m\n"
  void Error(std::string_view text);    // "\x1b[31;1mERROR: <text>\x1b[0;m\n"
  void Print(std::string_view text);    // "\x1b[0K<text>\n"
  // "section_start:<unix s>:<name>[<options>]\r\x1b[0K" then the heading in bold cyan,
  // "\x1b[36;1m<heading>\x1b[0;m\n" (no heading line when `heading` is empty).
  // `options` is e.g. "collapsed=true" ("" = none).
  void SectionStart(std::string_view name, std::string_view heading, std::string_view options = {});
  // "section_end:<unix s>:<name>\r\x1b[0K".
  void SectionEnd(std::string_view name);

  // Releases what masking and UTF-8 repair still held back. Later appends are dropped.
  void Finish();

  // Up to `max` stored bytes starting at `offset` ("" when offset >= Size()).
  std::string Read(int64_t offset, int64_t max) const;
  int64_t Size() const;
  // "crc32:%08x" over the stored bytes (zlib crc32, IEEE).
  std::string Checksum() const;
  bool LimitReached() const;
  bool Finished() const;

  // The exact message gitlab-runner appends when the limit is hit.
  static std::string LimitMessage(int64_t limit_bytes);

 private:
  void AppendLocked(std::string_view bytes);
  // clean_, with line prefixes when timestamping (`flush`: release a held partial line).
  void StampAndStoreLocked(bool flush);
  void StoreLocked(std::string_view bytes);

  const util::Clock& clock_;
  const int64_t limit_;
  mutable std::mutex mu_;
  Masker masker_;
  Utf8Sanitizer utf8_;
  std::unique_ptr<LineTimestamper> stamper_;  // null without FF_TIMESTAMPS
  std::string masked_, clean_, stamped_;      // reused scratch
  std::string log_;
  uint32_t crc_ = 0;
  bool limited_ = false;
  bool finished_ = false;
};

}  // namespace job
