#include "job/shell_writer.h"

namespace job {

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  return out;
}

bool IsShellName(std::string_view key) {
  if (key.empty()) return false;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
    size_t j = i;
    while (j < s.size() && !(s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r')) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

ShellWriter::ShellWriter(std::string_view shell, bool trace) {
  out_ = "set +x\n";
  out_ += shell == "bash" ? "set -eo pipefail\n" : "set -e\n";
  out_ += "set +C\n";
  if (trace) out_ += "set -x\n";
}

void ShellWriter::Line(std::string_view text) {
  out_.append(text);
  out_ += '\n';
}

void ShellWriter::Export(std::string_view key, std::string_view value) {
  out_ += "export ";
  out_.append(key);
  out_ += '=';
  out_ += ShellQuote(value);
  out_ += '\n';
}

void ShellWriter::WriteFile(std::string_view path, std::string_view content) {
  std::string p = ShellQuote(path);
  out_ += "rm -f " + p + "\n";
  out_ += "(umask 077 && printf '%s' " + ShellQuote(content) + " > " + p + ")\n";
  out_ += "chmod 600 " + p + "\n";
}

void ShellWriter::Print(std::string_view raw) { out_ += "printf '%s\\n' " + ShellQuote(raw) + "\n"; }

void ShellWriter::Notice(std::string_view text) {
  Print("\x1b[32;1m" + std::string(text) + "\x1b[0;m");
}

void ShellWriter::Command(std::string_view command, std::string_view section) {
  size_t nl = command.find('\n');
  if (nl != std::string_view::npos && !section.empty()) {
    // The text goes in as a %s argument: nothing in it is interpreted by printf.
    const std::string name = ShellQuote(section);
    out_ += "printf 'section_start:%s:section_%s[hide_duration=true,collapsed=true]\\r\\033[0K%s\\n' \"$(date +%s)\" " +
            name + " " + ShellQuote("\x1b[32;1m$ " + std::string(command) + "\x1b[0;m") + "\n";
    out_ += "printf 'section_end:%s:section_%s\\r\\033[0K\\n' \"$(date +%s)\" " + name + "\n";
    Line(command);
    return;
  }
  std::string shown(command.substr(0, nl));
  if (nl != std::string_view::npos) shown += " # collapsed multi-line command";
  Print("\x1b[32;1m$ " + shown + "\x1b[0;m");
  Line(command);
}

void ShellWriter::Cd(std::string_view dir) { out_ += "cd " + ShellQuote(dir) + "\n"; }
void ShellWriter::MkdirP(std::string_view dir) { out_ += "mkdir -p " + ShellQuote(dir) + "\n"; }
void ShellWriter::RmRf(std::string_view path) { out_ += "rm -rf " + ShellQuote(path) + "\n"; }

}  // namespace job
