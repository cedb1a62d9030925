#include "config/system_id.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/atomic_file.h"

namespace config {
namespace {

constexpr size_t kIdLength = 12;
constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

std::string_view Trim(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Reads a whole file; nullopt-like: returns false with errno set when it cannot be opened.
bool ReadWholeFile(const std::string& path, std::string* out) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return true;
}

}  // namespace

std::string SystemIdFromMachineId(std::string_view machine_id) {
  std::string_view key = Trim(machine_id);
  static constexpr char kMessage[] = "gitlab-runner";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(kMessage),
       sizeof(kMessage) - 1, mac, &mac_len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "s_";
  for (size_t i = 0; i < kIdLength / 2 && i < mac_len; ++i) {
    id.push_back(kHex[mac[i] >> 4]);
    id.push_back(kHex[mac[i] & 0xf]);
  }
  return id;
}

std::string RandomSystemId() {
  constexpr size_t kAlphabetSize = sizeof(kAlphabet) - 1;  // 62
  constexpr unsigned kAcceptBelow = 256 - (256 % kAlphabetSize);  // unbiased: 248
  std::string id = "r_";
  while (id.size() < 2 + kIdLength) {
    unsigned char buf[32];
    if (RAND_bytes(buf, sizeof buf) != 1) continue;
    for (unsigned char b : buf) {
      if (b < kAcceptBelow && id.size() < 2 + kIdLength) id.push_back(kAlphabet[b % kAlphabetSize]);
    }
  }
  return id;
}

bool IsValidSystemId(std::string_view id) {
  if (id.size() != 2 + kIdLength) return false;
  if (!(id[0] == 's' || id[0] == 'r') || id[1] != '_') return false;
  for (char c : id.substr(2)) {
    if (!IsAlnum(c)) return false;
  }
  return true;
}

std::string SystemIdPath(const std::string& config_path) {
  size_t slash = config_path.find_last_of('/');
  if (slash == std::string::npos) return ".runner_system_id";
  return config_path.substr(0, slash + 1) + ".runner_system_id";
}

util::Result<std::string> LoadOrCreateSystemId(const std::string& config_path, const SystemIdOptions& options) {
  const std::string path = SystemIdPath(config_path);
  std::string content;
  if (ReadWholeFile(path, &content)) {
    std::string_view id = Trim(content);
    if (IsValidSystemId(id)) return std::string(id);
  } else if (errno != ENOENT && errno != 0) {
    int err = errno;
    std::string msg = "cannot read system id file \"" + path + "\": " + std::strerror(err);
    if (err == EACCES || err == EPERM) return util::Status::PermissionDenied(msg);
    return util::Status::IOError(msg);
  }

  std::string id;
  for (const std::string& f : options.machine_id_files) {
    std::string machine_id;
    if (ReadWholeFile(f, &machine_id) && !Trim(machine_id).empty()) {
      id = SystemIdFromMachineId(machine_id);
      break;
    }
  }
  if (id.empty()) id = RandomSystemId();
  SR_RETURN_IF_ERROR(WriteFileAtomically(path, id, 0600));
  return id;
}

}  // namespace config
