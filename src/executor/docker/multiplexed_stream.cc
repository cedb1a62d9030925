#include "executor/docker/multiplexed_stream.h"

#include <algorithm>

namespace executor::docker {

bool FrameDecoder::Feed(std::string_view bytes) {
  while (!bytes.empty() && !broken_) {
    if (remaining_ == 0) {
      size_t take = std::min(bytes.size(), sizeof(header_) - header_len_);
      std::copy_n(bytes.data(), take, header_ + header_len_);
      header_len_ += take;
      bytes.remove_prefix(take);
      if (header_len_ < sizeof(header_)) break;
      header_len_ = 0;
      if (header_[0] > 3 || header_[1] != 0 || header_[2] != 0 || header_[3] != 0) {
        broken_ = true;
        break;
      }
      kind_ = static_cast<StreamKind>(header_[0]);
      remaining_ = (uint32_t{header_[4]} << 24) | (uint32_t{header_[5]} << 16) |
                   (uint32_t{header_[6]} << 8) | uint32_t{header_[7]};
      continue;
    }
    size_t take = std::min<size_t>(bytes.size(), remaining_);
    sink_(kind_, bytes.substr(0, take));
    remaining_ -= static_cast<uint32_t>(take);
    bytes.remove_prefix(take);
  }
  return !broken_;
}

}  // namespace executor::docker
