#pragma once
// Decoder for Docker's multiplexed stdout/stderr stream (attach and logs of a container
// without a TTY): frames of an 8-byte header [stream, 0, 0, 0, size as big-endian uint32]
// followed by `size` payload bytes. Input may arrive split at any byte.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace executor::docker {

enum class StreamKind : uint8_t { kStdin = 0, kStdout = 1, kStderr = 2, kSystemError = 3 };

// Not thread-safe. Payloads are passed on as they arrive: one frame may reach the callback
// in several pieces, each tagged with the frame's stream.
class FrameDecoder {
 public:
  using Sink = std::function<void(StreamKind, std::string_view)>;
  explicit FrameDecoder(Sink sink) : sink_(std::move(sink)) {}

  // Feeds raw bytes. Returns false once the input is not a multiplexed stream (an unknown
  // stream byte or non-zero padding); later calls then do nothing.
  bool Feed(std::string_view bytes);
  // True when the input so far ended on a frame boundary.
  bool AtBoundary() const { return header_len_ == 0 && remaining_ == 0; }

 private:
  Sink sink_;
  unsigned char header_[8] = {};
  size_t header_len_ = 0;
  uint32_t remaining_ = 0;  // payload bytes left in the current frame
  StreamKind kind_ = StreamKind::kStdout;
  bool broken_ = false;
};

}  // namespace executor::docker
