#include "executor/docker/image_ref.h"

#include <nlohmann/json.hpp>

namespace executor::docker {
std::string NormalizeRegistry(std::string url) {
  for (const char* scheme : {"https://", "http://"}) {
    if (url.rfind(scheme, 0) == 0) url = url.substr(std::string(scheme).size());
  }
  url = url.substr(0, url.find('/'));
  if (url == "index.docker.io" || url == "registry-1.docker.io" || url == "registry.hub.docker.com") {
    return "docker.io";
  }
  return url;
}

std::string ImageRef::Canonical() const {
  if (!digest.empty()) return repository + "@" + digest;
  return repository + ":" + (tag.empty() ? "latest" : tag);
}

std::string ImageRef::PullTag() const {
  if (!digest.empty()) return digest;
  return tag.empty() ? "latest" : tag;
}

util::Result<ImageRef> ParseImageRef(const std::string& name) {
  auto bad = [&](const std::string& why) {
    return util::Status::InvalidArgument("invalid image reference \"" + name + "\": " + why);
  };
  if (name.empty()) return bad("empty");
  if (name.find_first_of(" \t\r\n") != std::string::npos) return bad("contains white space");
  ImageRef ref;
  std::string rest = name;
  if (size_t at = rest.find('@'); at != std::string::npos) {
    ref.digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    if (ref.digest.find(':') == std::string::npos) return bad("digest without algorithm");
  }
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (ref.tag.empty()) return bad("empty tag");
  }
  if (rest.empty() || rest.front() == '/' || rest.back() == '/' || rest.find("//") != std::string::npos) {
    return bad("empty name component");
  }
  ref.repository = rest;
  size_t first = rest.find('/');
  std::string head = rest.substr(0, first);
  if (first != std::string::npos &&
      (head.find('.') != std::string::npos || head.find(':') != std::string::npos || head == "localhost")) {
    ref.registry = head;
  } else {
    ref.registry = "docker.io";
  }
  return ref;
}

std::optional<std::pair<std::string, std::string>> FindCredentials(
    const std::map<std::string, std::pair<std::string, std::string>>& auth, const std::string& registry) {
  std::string want = NormalizeRegistry(registry);
  for (const auto& [url, cred] : auth) {
    if (NormalizeRegistry(url) == want) return cred;
  }
  return std::nullopt;
}

std::string Base64UrlEncode(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8) | uint8_t(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == in.size()) {
    uint32_t v = uint32_t(uint8_t(in[i])) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    uint32_t v = (uint32_t(uint8_t(in[i])) << 16) | (uint32_t(uint8_t(in[i + 1])) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string RegistryAuthHeader(const std::string& user, const std::string& password,
                               const std::string& server) {
  nlohmann::json j = {{"username", user}, {"password", password}, {"serveraddress", server}};
  return Base64UrlEncode(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace executor::docker
