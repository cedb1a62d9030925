#pragma once
// Test doubles for the transport: an in-memory ByteStream that serves scripted reads (one
// piece per Read, so tests choose where the bytes split) and records what was written, and
// a helper that reaches the real Docker daemon of scripts/services.sh.
#include <deque>
#include <memory>
#include <string>
#include <utility>

#include "executor/docker/docker_host.h"
#include "util/byte_stream.h"
#include "util/status.h"

namespace executor::docker::testing {

class ScriptedStream final : public util::ByteStream {
 public:
  explicit ScriptedStream(std::deque<std::string> reads, std::string* written = nullptr)
      : reads_(std::move(reads)), written_(written) {}
  util::Status WriteAll(std::string_view data) override {
    if (written_) written_->append(data);
    return util::Status::Ok();
  }
  util::Result<size_t> Read(char* buf, size_t cap) override {
    if (closed_) return util::Status::Cancelled("closed");
    if (reads_.empty()) return size_t{0};
    std::string& front = reads_.front();
    size_t n = std::min(cap, front.size());
    front.copy(buf, n);
    front.erase(0, n);
    if (front.empty()) reads_.pop_front();
    return n;
  }
  util::Status CloseWrite() override { return util::Status::Ok(); }
  void Close() override { closed_ = true; }

 private:
  std::deque<std::string> reads_;
  std::string* written_;
  bool closed_ = false;
};

// Splits `s` into pieces of `n` bytes.
inline std::deque<std::string> Pieces(const std::string& s, size_t n) {
  std::deque<std::string> out;
  for (size_t i = 0; i < s.size(); i += n) out.push_back(s.substr(i, n));
  return out;
}

// The local daemon's dialer ($DOCKER_HOST or /var/run/docker.sock).
inline std::unique_ptr<util::StreamDialer> LocalDaemon() {
  auto d = DialerForHost("");
  return d.ok() ? std::move(d).value() : nullptr;
}

inline constexpr char kNoDaemon[] =
    "the Docker daemon does not answer; start it with scripts/services.sh (make services)";

}  // namespace executor::docker::testing
