#include "executor/docker/image_archive.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace executor::docker {
namespace {

using nlohmann::json;

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};

// A tar size field: octal text, or base-256 when its first byte has the high bit set.
bool ParseTarSize(const unsigned char* field, size_t len, uint64_t* out) {
  uint64_t v = 0;
  if (field[0] & 0x80) {
    for (size_t i = 1; i < len; ++i) v = (v << 8) | field[i];
    *out = v;
    return true;
  }
  size_t i = 0;
  while (i < len && field[i] == ' ') ++i;
  bool any = false;
  for (; i < len && field[i] >= '0' && field[i] <= '7'; ++i, any = true) v = v * 8 + (field[i] - '0');
  *out = v;
  return any;
}

std::string Field(const unsigned char* p, size_t len) {
  return std::string(reinterpret_cast<const char*>(p), strnlen(reinterpret_cast<const char*>(p), len));
}

// "path=..." from a pax extended header body ("<len> path=<value>\n" records).
std::string PaxPath(const std::string& body) {
  size_t pos = 0;
  while (pos < body.size()) {
    size_t sp = body.find(' ', pos);
    if (sp == std::string::npos) break;
    size_t len = std::strtoul(body.c_str() + pos, nullptr, 10);
    if (len == 0 || pos + len > body.size()) break;
    std::string rec = body.substr(sp + 1, pos + len - sp - 2);  // without the newline
    if (rec.rfind("path=", 0) == 0) return rec.substr(5);
    pos += len;
  }
  return "";
}

}  // namespace

util::Result<ImageArchiveInfo> ParseSaveManifest(std::string_view manifest) {
  json j = json::parse(manifest, nullptr, false);
  if (j.is_discarded() || !j.is_array()) return util::Status::InvalidArgument("manifest.json is not a JSON array");
  if (j.size() != 1) {
    return util::Status::InvalidArgument("manifest.json names " + std::to_string(j.size()) + " images, not one");
  }
  const json& m = j[0];
  auto cfg = m.find("Config");
  if (!m.is_object() || cfg == m.end() || !cfg->is_string()) {
    return util::Status::InvalidArgument("manifest.json has no Config entry");
  }
  std::string hex = cfg->get<std::string>();
  if (size_t slash = hex.rfind('/'); slash != std::string::npos) hex = hex.substr(slash + 1);  // blobs/sha256/<hex>
  if (hex.size() > 5 && hex.compare(hex.size() - 5, 5, ".json") == 0) hex.resize(hex.size() - 5);
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return util::Status::InvalidArgument("manifest.json: Config \"" + cfg->get<std::string>() +
                                         "\" is not a sha256 digest");
  }
  ImageArchiveInfo info;
  info.image_id = "sha256:" + hex;
  if (auto tags = m.find("RepoTags"); tags != m.end() && tags->is_array()) {
    for (const auto& t : *tags) {
      if (t.is_string()) info.repo_tags.push_back(t.get<std::string>());
    }
  }
  return info;
}

util::Result<std::string> ReadTarMember(const std::string& path, const std::string& member, size_t limit) {
  std::unique_ptr<FILE, FileCloser> f(fopen(path.c_str(), "rb"));
  if (!f) return util::Status::NotFound(path + ": " + strerror(errno));
  auto bad = [&path](const std::string& why) { return util::Status::InvalidArgument(path + ": " + why); };
  std::string long_name;  // from a pax or GNU long-name header, for the next member
  for (uint64_t offset = 0;; ) {
    unsigned char h[512];
    size_t got = fread(h, 1, sizeof h, f.get());
    if (got != sizeof h) return bad("truncated tar archive (it ends before offset " + std::to_string(offset + 512) + ")");
    if (h[0] == 0) return util::Status::NotFound(path + ": no " + member + " in the archive");
    uint64_t size = 0;
    if (!ParseTarSize(h + 124, 12, &size)) return bad("not a tar archive (bad size field at offset " + std::to_string(offset) + ")");
    const char type = static_cast<char>(h[156]);
    std::string name = Field(h + 345, 155);  // ustar prefix
    name = name.empty() ? Field(h, 100) : name + "/" + Field(h, 100);
    if (!long_name.empty()) name = std::move(long_name), long_name.clear();
    while (name.rfind("./", 0) == 0) name.erase(0, 2);
    const uint64_t padded = (size + 511) / 512 * 512;
    const bool wanted = (type == '0' || type == '\0') && name == member;
    if (wanted || type == 'x' || type == 'L') {
      if (size > limit) return util::Status::ResourceExhausted(path + ": " + name + " is larger than " + std::to_string(limit) + " bytes");
      std::string data(size, '\0');
      if (fread(data.data(), 1, size, f.get()) != size) return bad("truncated tar archive (in " + name + ")");
      if (wanted) return data;
      long_name = type == 'x' ? PaxPath(data) : Field(reinterpret_cast<const unsigned char*>(data.data()), data.size());
      if (fseeko(f.get(), static_cast<off_t>(padded - size), SEEK_CUR) != 0) return bad("seek failed");
    } else if (fseeko(f.get(), static_cast<off_t>(padded), SEEK_CUR) != 0) {
      return bad("seek failed");
    }
    offset += 512 + padded;
  }
}

}  // namespace executor::docker
