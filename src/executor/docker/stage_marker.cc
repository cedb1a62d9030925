#include "executor/docker/stage_marker.h"

namespace executor::docker {
namespace {

// A marker's ":<code>" never needs more than this many bytes before its newline.
constexpr size_t kMaxCodeLen = 12;

}  // namespace

size_t StageMarkerScanner::PartialTail(std::string_view s) const {
  for (size_t k = std::min(s.size(), nonce_.size() - 1); k > 0; --k) {
    if (s.substr(s.size() - k) == std::string_view(nonce_).substr(0, k)) return k;
  }
  return 0;
}

bool StageMarkerScanner::Feed(std::string_view bytes, const Emit& emit) {
  if (found_) {
    if (!bytes.empty()) emit(bytes);
    return true;
  }
  std::string buf = std::move(held_);
  held_.clear();
  buf.append(bytes);
  std::string_view rest(buf);
  for (;;) {
    size_t at = rest.find(nonce_);
    if (at == std::string_view::npos) {
      size_t keep = PartialTail(rest);
      if (rest.size() > keep) emit(rest.substr(0, rest.size() - keep));
      held_.assign(rest.substr(rest.size() - keep));
      return false;
    }
    std::string_view after = rest.substr(at + nonce_.size());
    size_t nl = after.find('\n');
    if (nl == std::string_view::npos && after.size() <= kMaxCodeLen + 1) {
      if (at > 0) emit(rest.substr(0, at));
      held_.assign(rest.substr(at));  // the marker may still be completing
      return false;
    }
    std::string_view tail = nl == std::string_view::npos ? after : after.substr(0, nl);
    bool ok = false;
    int code = 0;
    if (!with_code_) {
      ok = tail.empty();
    } else if (tail.size() >= 2 && tail.size() <= kMaxCodeLen + 1 && tail[0] == ':') {
      ok = true;
      for (char c : tail.substr(1)) {
        if (c < '0' || c > '9') ok = false;
        else code = code * 10 + (c - '0');
      }
    }
    if (!ok) {  // the nonce inside other output: not a marker, keep scanning after it
      emit(rest.substr(0, at + nonce_.size()));
      rest = after;
      continue;
    }
    if (at > 0) emit(rest.substr(0, at));
    found_ = true;
    if (with_code_) code_ = code;
    std::string_view beyond = after.substr(nl + 1);
    if (!beyond.empty()) emit(beyond);
    return true;
  }
}

void StageMarkerScanner::Flush(const Emit& emit) {
  if (!held_.empty()) emit(held_);
  held_.clear();
}

void StageMarkerScanner::Reset() {
  found_ = false;  // nothing is held once a marker was found
  code_.reset();
}

}  // namespace executor::docker
