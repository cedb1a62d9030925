#pragma once
// Shared state of one config.toml decode: the file name for messages, warnings, the first
// error, and where each decoded key was (so model-level checks can point at a line).
// Internal to config/.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace config {

struct SourcePos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
};

class DecodeContext {
 public:
  explicit DecodeContext(std::string file_name) : file_name_(std::move(file_name)) {}
  DecodeContext(const DecodeContext&) = delete;
  DecodeContext& operator=(const DecodeContext&) = delete;

  // "FILE:LINE:COL" (or just "FILE" when pos is unknown).
  std::string Where(SourcePos pos) const;

  // Records a warning "FILE:LINE:COL: message".
  void Warn(SourcePos pos, const std::string& message);
  // Records an error "FILE:LINE:COL: message" (kInvalidArgument); only the first one is kept.
  void Fail(SourcePos pos, const std::string& message);
  bool failed() const { return !error_.ok(); }
  const util::Status& error() const { return error_; }

  // Remembers where the value of `id` ("runners[0].executor") is.
  void Record(const std::string& id, SourcePos pos) { positions_[id] = pos; }
  // The position of `id`, else of its nearest recorded parent ("runners[0]"), else unknown.
  SourcePos PositionOf(std::string id) const;

  // Warnings sorted by position in the file.
  std::vector<std::string> TakeWarnings();

 private:
  struct Warning {
    SourcePos pos;
    std::string text;
  };
  std::string file_name_;
  util::Status error_;
  std::vector<Warning> warnings_;
  std::map<std::string, SourcePos> positions_;
};

}  // namespace config
