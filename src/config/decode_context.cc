#include "config/decode_context.h"

#include <algorithm>

namespace config {

std::string DecodeContext::Where(SourcePos pos) const {
  if (pos.line <= 0) return file_name_;
  return file_name_ + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

void DecodeContext::Warn(SourcePos pos, const std::string& message) {
  warnings_.push_back({pos, Where(pos) + ": " + message});
}

void DecodeContext::Fail(SourcePos pos, const std::string& message) {
  if (failed()) return;
  error_ = util::Status::InvalidArgument(Where(pos) + ": " + message);
}

SourcePos DecodeContext::PositionOf(std::string id) const {
  while (true) {
    auto it = positions_.find(id);
    if (it != positions_.end()) return it->second;
    size_t cut = id.find_last_of(".[");
    if (cut == std::string::npos || cut == 0) return {};
    id.resize(cut);
  }
}

std::vector<std::string> DecodeContext::TakeWarnings() {
  std::stable_sort(warnings_.begin(), warnings_.end(), [](const Warning& a, const Warning& b) {
    if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
    return a.pos.column < b.pos.column;
  });
  std::vector<std::string> out;
  out.reserve(warnings_.size());
  for (auto& w : warnings_) out.push_back(std::move(w.text));
  warnings_.clear();
  return out;
}

}  // namespace config
