#pragma once
// Finds the end-of-stage marker that a stage session's shell prints after each script
// (see stage_session.h) in a container's output, and passes every other byte on unchanged.
// The marker is a per-session random nonce, on stdout followed by ":<exit code>\n", on
// stderr followed by "\n". Output may arrive split at any byte, so a tail that could be
// the start of the marker is held back until the next piece decides it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace executor::docker {

// Not thread-safe.
class StageMarkerScanner {
 public:
  using Emit = std::function<void(std::string_view)>;
  // `with_code`: the marker carries ":<exit code>" before its newline.
  StageMarkerScanner(std::string nonce, bool with_code) : nonce_(std::move(nonce)), with_code_(with_code) {}

  // Passes `bytes` to `emit`, except the marker. Returns true once the marker was seen;
  // bytes after it are passed on as they come.
  bool Feed(std::string_view bytes, const Emit& emit);
  // Emits what is held back (at the end of the output).
  void Flush(const Emit& emit);
  // Starts looking for the next marker.
  void Reset();

  bool found() const { return found_; }
  // The exit code of a marker with a code; nullopt before it was found.
  std::optional<int> code() const { return code_; }

 private:
  // How many bytes at the end of `s` could begin the marker.
  size_t PartialTail(std::string_view s) const;

  std::string nonce_;
  bool with_code_;
  std::string held_;
  bool found_ = false;
  std::optional<int> code_;
};

}  // namespace executor::docker
