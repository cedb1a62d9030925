#pragma once
// Builds the text of one bash or POSIX sh script, piece by piece, with safe quoting. It
// knows shell syntax, not jobs (job/script_builder.h decides what goes in).
// Nothing it writes echoes a variable's value: exports and files are written silently.
#include <string>
#include <string_view>
#include <vector>

namespace job {

// `s` as one single-quoted shell word ("'" becomes "'\''"); safe for bash and sh.
std::string ShellQuote(std::string_view s);
// True when `key` can be exported: [A-Za-z_][A-Za-z0-9_]*.
bool IsShellName(std::string_view key);
// Splits `s` on blanks into words (no quote handling), as GIT_*_FLAGS are read.
std::vector<std::string> SplitWords(std::string_view s);

class ShellWriter {
 public:
  // `shell`: "bash" or "sh". Starts with the preamble: exit on the first failing command
  // (bash also fails pipelines), clobbering allowed, and shell tracing (set -x) only when
  // `trace` (CI_DEBUG_TRACE).
  explicit ShellWriter(std::string_view shell, bool trace = false);

  // Appends `text` verbatim as its own line(s).
  void Line(std::string_view text);
  // export KEY='value'. REQUIRES: IsShellName(key).
  void Export(std::string_view key, std::string_view value);
  // Writes `content` to `path` readable only by the owner (mode 0600), replacing it.
  void WriteFile(std::string_view path, std::string_view content);
  // Prints `text` in bold green ("\x1b[32;1m...\x1b[0;m"), as gitlab-runner's notices.
  void Notice(std::string_view text);
  // Prints "$ <command>" in bold green (first line plus " # collapsed multi-line command"
  // for a multi-line command), then runs the command. With `section` (FF_SCRIPT_SECTIONS), a
  // multi-line command is shown whole, in a collapsed trace section named section_<section>
  // of its own, as gitlab-runner does.
  void Command(std::string_view command, std::string_view section = {});
  void Cd(std::string_view dir);
  void MkdirP(std::string_view dir);
  void RmRf(std::string_view path);

  const std::string& str() const { return out_; }

 private:
  void Print(std::string_view raw);  // printf '%s\n' '<raw>'
  std::string out_;
};

}  // namespace job
