// Docker's multiplexed attach/logs stream, cut wherever the fuzzer likes: what is handed on
// (stream and payload bytes) does not depend on the cut, and is never more than came in.
#include <string>
#include <utility>
#include <vector>

#include "executor/docker/multiplexed_stream.h"
#include "fuzz_input.h"

namespace {

using executor::docker::StreamKind;

struct Decoded {
  std::vector<std::pair<StreamKind, std::string>> runs;  // adjacent pieces of one stream merged
  size_t payload_bytes = 0;
  bool ok = true;
  bool boundary = false;
};

Decoded Decode(std::string_view stream, std::string_view split) {
  Decoded d;
  executor::docker::FrameDecoder decoder([&](StreamKind kind, std::string_view piece) {
    d.payload_bytes += piece.size();
    if (piece.empty()) return;
    if (d.runs.empty() || d.runs.back().first != kind) d.runs.emplace_back(kind, "");
    d.runs.back().second.append(piece);
  });
  fuzzing::ForEachPiece(stream, split, [&](std::string_view piece) { d.ok = decoder.Feed(piece) && d.ok; });
  d.boundary = decoder.AtBoundary();
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::FuzzInput in(data, size);
  std::string_view split = in.Until('\xff');
  std::string_view stream = in.Rest();
  Decoded whole = Decode(stream, {});
  Decoded cut = Decode(stream, split);
  FUZZ_CHECK(whole.payload_bytes <= stream.size());
  FUZZ_CHECK(whole.ok == cut.ok);
  FUZZ_CHECK(whole.runs == cut.runs);
  if (whole.ok) FUZZ_CHECK(whole.boundary == cut.boundary);
  return 0;
}
