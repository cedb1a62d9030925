#include "ec2emulator/user_data.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <regex>
#include <sstream>

#include "cloud/dead_man_switch.h"

namespace ec2emulator {
namespace {

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Unquote(std::string v) {
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front()) v = v.substr(1, v.size() - 2);
  return v;
}

void Add(std::vector<std::string>& out, const std::string& key) {
  if (!key.empty() && std::find(out.begin(), out.end(), key) == out.end()) out.push_back(key);
}

// Items of a flow sequence "[a, 'b', "c"]" (keys hold no commas).
void AddFlow(std::vector<std::string>& out, const std::string& flow) {
  std::string inner = flow.substr(1, flow.size() - 2);
  std::stringstream ss(inner);
  for (std::string item; std::getline(ss, item, ',');) Add(out, Unquote(item));
}

// `ssh_authorized_keys` anywhere in a cloud-config document (a YAML subset: block and flow
// sequences, plain and quoted scalars, keys inside `users` entries).
void KeysOfCloudConfig(const std::string& doc, std::vector<std::string>& out) {
  std::istringstream in(doc);
  int key_indent = -1;  // column of an open `ssh_authorized_keys:` key, -1 = none
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string body = Trim(line);
    if (body.empty() || body[0] == '#') continue;
    int indent = static_cast<int>(line.find_first_not_of(' '));
    if (key_indent >= 0) {
      bool item = body.rfind("- ", 0) == 0 || body == "-";
      if (item && indent >= key_indent) {
        Add(out, Unquote(body.substr(1)));
        continue;
      }
      key_indent = -1;  // the list ended
    }
    // A key may follow a list dash ("- ssh_authorized_keys:" inside `users`).
    int col = indent;
    while (body.rfind("- ", 0) == 0) {
      body = Trim(body.substr(2));
      col += 2;
    }
    const std::string kKey = "ssh_authorized_keys:";
    if (body.rfind(kKey, 0) != 0) continue;
    std::string rest = Trim(body.substr(kKey.size()));
    if (rest.empty()) {
      key_indent = col;
    } else if (rest.front() == '[' && rest.back() == ']') {
      AddFlow(out, rest);
    } else {
      Add(out, Unquote(rest));
    }
  }
}

// cloud-init's `ssh_keys` mapping (top level): `ed25519_private` as a literal block
// (`|`) or a quoted/plain scalar, `ed25519_public` as a scalar. Later documents win.
void HostKeyOfCloudConfig(const std::string& doc, SshHostKey& key) {
  std::istringstream in(doc);
  bool in_keys = false;
  int block_indent = -1;  // >= 0 while reading ed25519_private's literal block
  int key_indent = -1;    // column of the keys under ssh_keys
  std::string block;
  auto finish_block = [&] {
    if (block_indent >= 0) key.private_pem = block;
    block_indent = -1;
    block.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string body = Trim(line);
    int indent = body.empty() ? -1 : static_cast<int>(line.find_first_not_of(' '));
    if (block_indent >= 0) {
      if (body.empty()) continue;
      if (block_indent == 0 && indent > key_indent) block_indent = indent;
      if (indent >= block_indent && block_indent > 0) {
        block += line.substr(static_cast<size_t>(block_indent)) + "\n";
        continue;
      }
      finish_block();
    }
    if (body.empty() || body[0] == '#') continue;
    if (indent == 0) {
      in_keys = body == "ssh_keys:";
      key_indent = -1;
      continue;
    }
    if (!in_keys) continue;
    if (key_indent < 0) key_indent = indent;
    if (indent != key_indent) continue;
    size_t colon = body.find(':');
    if (colon == std::string::npos) continue;
    std::string name = body.substr(0, colon);
    std::string value = Trim(body.substr(colon + 1));
    if (name == "ed25519_private") {
      if (value == "|" || value == "|-" || value == "|+") {
        block_indent = 0;  // set by the first line of the block
      } else {
        key.private_pem = Unquote(value);
      }
    } else if (name == "ed25519_public") {
      key.public_line = Unquote(value);
    }
  }
  finish_block();
}

// Splits "Header: v\n...\n\nbody" into lower-cased header text and the body.
void SplitHeaders(const std::string& part, std::string* headers, std::string* body) {
  size_t end = part.find("\n\n");
  size_t skip = 2;
  size_t crlf = part.find("\r\n\r\n");
  if (crlf != std::string::npos && (end == std::string::npos || crlf < end)) {
    end = crlf;
    skip = 4;
  }
  if (end == std::string::npos) {
    *headers = Lower(part);
    body->clear();
    return;
  }
  *headers = Lower(part.substr(0, end));
  *body = part.substr(end + skip);
}

bool IsMime(const std::string& data) {
  std::string head = Lower(data.substr(0, 256));
  return head.rfind("content-type:", 0) == 0 || head.rfind("mime-version:", 0) == 0;
}

using DocFn = std::function<void(const std::string&)>;

// Calls `fn` with each cloud-config document of the user data (MIME parts included).
void ForEachCloudConfig(const std::string& data, const DocFn& fn, int depth) {
  if (depth > 4) return;
  if (!IsMime(data)) {
    if (data.rfind("#cloud-config", 0) == 0) fn(data);
    return;
  }
  std::string headers, body;
  SplitHeaders(data, &headers, &body);
  if (headers.find("multipart/") == std::string::npos) {
    if (headers.find("text/cloud-config") != std::string::npos || body.rfind("#cloud-config", 0) == 0) fn(body);
    return;
  }
  size_t b = headers.find("boundary=");
  if (b == std::string::npos) return;
  // The boundary keeps its case: take it from the original text at the same offset.
  std::string boundary = data.substr(b + 9);
  boundary = boundary.substr(0, boundary.find_first_of("\r\n;"));
  boundary = Unquote(boundary);
  if (boundary.empty()) return;
  const std::string delim = "--" + boundary;
  size_t pos = body.find(delim);
  while (pos != std::string::npos) {
    size_t start = body.find('\n', pos);
    if (start == std::string::npos || body.compare(pos + delim.size(), 2, "--") == 0) break;
    size_t next = body.find(delim, start);
    std::string part = body.substr(start + 1, next == std::string::npos ? std::string::npos : next - start - 1);
    if (IsMime(part)) {
      ForEachCloudConfig(part, fn, depth + 1);
    } else if (part.rfind("#cloud-config", 0) == 0) {
      fn(part);
    } else {
      ForEachCloudConfig("Content-Type: text/plain\n" + part, fn, depth + 1);  // headerless part
    }
    pos = next;
  }
}

// cloud-config `write_files` entries (path, content), content as a literal block (`|`)
// or a plain/quoted scalar. A YAML subset: what cloud-config files written by hand and by
// managers use.
std::vector<std::pair<std::string, std::string>> WrittenFiles(const std::string& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in(doc);
  bool in_list = false;
  int key_col = -1;       // column of the current entry's keys
  int block_col = -1;     // >= 0 while reading a literal block; 0 until its first line
  std::string path, content, block;
  auto flush = [&] {
    if (block_col >= 0) content = block;
    block_col = -1;
    block.clear();
    if (!path.empty()) out.emplace_back(path, content);
    path.clear();
    content.clear();
  };
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string body = Trim(line);
    int indent = body.empty() ? -1 : static_cast<int>(line.find_first_not_of(' '));
    if (block_col >= 0) {
      if (body.empty()) {
        block += "\n";
        continue;
      }
      if (block_col == 0 && indent > key_col) block_col = indent;
      if (block_col > 0 && indent >= block_col) {
        block += line.substr(static_cast<size_t>(block_col)) + "\n";
        continue;
      }
      content = block;
      block_col = -1;
      block.clear();
    }
    if (body.empty() || body[0] == '#') continue;
    if (indent == 0) {
      if (in_list) flush();
      in_list = body == "write_files:";
      continue;
    }
    if (!in_list) continue;
    int col = indent;
    if (body.rfind("- ", 0) == 0) {  // a new entry
      flush();
      body = Trim(body.substr(2));
      col += 2;
      key_col = col;
    }
    if (col != key_col) continue;
    size_t colon = body.find(':');
    if (colon == std::string::npos) continue;
    std::string name = body.substr(0, colon), value = Trim(body.substr(colon + 1));
    if (name == "path") {
      path = Unquote(value);
    } else if (name == "content") {
      if (value == "|" || value == "|-" || value == "|+") {
        block_col = 0;
      } else {
        content = Unquote(value);
      }
    }
  }
  flush();
  return out;
}

// Environment= assignments of a systemd unit drop-in: "NAME=value" each (quotes, \\ and
// \" undone, %% back to %).
void EnvironmentOfDropIn(const std::string& text, std::vector<std::string>& env) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    line = Trim(line);
    if (line.rfind("Environment=", 0) != 0) continue;
    std::string rest = line.substr(12), word;
    bool quoted = false, any = false;
    for (size_t i = 0; i < rest.size(); ++i) {
      char c = rest[i];
      if (quoted && c == '\\' && i + 1 < rest.size()) {
        word += rest[++i];
      } else if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (c == '%' && i + 1 < rest.size() && rest[i + 1] == '%') {
        word += '%';
        ++i;
      } else if (c == ' ' && !quoted) {
        if (!word.empty() || any) env.push_back(word);
        word.clear();
        any = false;
      } else {
        word += c;
      }
    }
    if (!word.empty()) env.push_back(word);
  }
}

// cloud-config `packages` naming an Engine package.
bool PackagesNameDocker(const std::string& doc) {
  static const std::regex re(R"((^|\n)packages:([^\n]*\n)*?\s*-\s*['"]?(docker\.io|docker|docker-ce|docker-engine)['"]?\s*(\n|$))");
  static const std::regex flow(R"((^|\n)packages:\s*\[[^\]]*\b(docker\.io|docker|docker-ce|docker-engine)\b)");
  return std::regex_search(doc, re) || std::regex_search(doc, flow);
}

}  // namespace

util::Result<std::string> DecodeUserData(const std::string& base64) {
  const util::Status bad = util::Status::InvalidArgument("Invalid BASE64 encoding of user data.");
  std::string out;
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  for (char c : base64) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++pad;
      continue;
    }
    int v = Sextet(c);
    if (v < 0 || pad > 0) return bad;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (pad > 2 || bits >= 6) return bad;
  if (out.size() > kMaxUserDataBytes)
    return util::Status::InvalidArgument("User data is limited to " + std::to_string(kMaxUserDataBytes) + " bytes");
  return out;
}

std::vector<std::string> AuthorizedKeysOf(const std::string& user_data) {
  std::vector<std::string> out;
  ForEachCloudConfig(user_data, [&](const std::string& doc) { KeysOfCloudConfig(doc, out); }, 0);
  return out;
}

util::Result<SshHostKey> HostKeyOf(const std::string& user_data) {
  SshHostKey key;
  ForEachCloudConfig(user_data, [&](const std::string& doc) { HostKeyOfCloudConfig(doc, key); }, 0);
  if (key.private_pem.empty() != key.public_line.empty())
    return util::Status::InvalidArgument("user data: ssh_keys has only one half of the ed25519 host key");
  return key;
}

std::chrono::seconds DeadManTimeoutOf(const std::string& user_data) {
  const std::string key = std::string(cloud::kDeadManTimeoutEnv) + "=";
  for (size_t at = user_data.find(key); at != std::string::npos; at = user_data.find(key, at + 1)) {
    size_t p = at + key.size();
    long long seconds = 0;
    size_t digits = 0;
    while (p < user_data.size() && user_data[p] >= '0' && user_data[p] <= '9' && digits < 9) {
      seconds = seconds * 10 + (user_data[p++] - '0');
      ++digits;
    }
    if (digits > 0 && seconds > 0) return std::chrono::seconds(seconds);
  }
  return std::chrono::seconds(0);
}

}  // namespace ec2emulator

namespace ec2emulator {

std::optional<cloud::local::EngineConfig> EngineOf(const std::string& user_data) {
  static const std::regex installs(
      R"(\b(apt-get|apt|dnf|yum)\b[^\n]*\binstall\b[^\n]*\bdocker(\.io|-ce|-engine)?(?=[\s'";]|$))"
      R"(|get\.docker\.com|\bsystemctl\b[^\n]*\b(start|restart)\b[^\n]*\bdocker(\.service)?(?=[\s'";]|$))"
      R"(|\bservice\s+docker\s+(start|restart)\b)");
  bool engine = std::regex_search(user_data, installs);
  cloud::local::EngineConfig config;
  ForEachCloudConfig(user_data, [&](const std::string& doc) {
    engine = engine || PackagesNameDocker(doc);
    for (const auto& [path, content] : WrittenFiles(doc)) {
      if (path == "/etc/docker/daemon.json") config.daemon_json = content;
      if (path.rfind("/etc/systemd/system/docker.service.d/", 0) == 0) EnvironmentOfDropIn(content, config.env);
    }
  }, 0);
  if (!engine) return std::nullopt;
  return config;
}

}  // namespace ec2emulator
