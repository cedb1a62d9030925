#include "executor/docker/docker_auth_config.h"

#include <nlohmann/json.hpp>
#include <optional>

namespace executor::docker {

std::optional<std::string> Base64Decode(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

namespace {

std::string Quoted(const std::string& key) { return "[\"" + key + "\"]"; }

std::string StringField(const nlohmann::json& obj, const char* name) {
  auto it = obj.find(name);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

util::Result<DockerAuthConfig> ParseDockerAuthConfig(const std::string& json_text) {
  // No exceptions, and no parser message: it could quote part of the text (a password).
  nlohmann::json doc = nlohmann::json::parse(json_text, nullptr, false);
  if (doc.is_discarded()) return util::Status::InvalidArgument("not valid JSON");
  if (!doc.is_object()) return util::Status::InvalidArgument("not a JSON object");
  DockerAuthConfig cfg;
  if (auto it = doc.find("auths"); it != doc.end()) {
    if (!it->is_object()) return util::Status::InvalidArgument("\"auths\" is not an object");
    for (const auto& [key, entry] : it->items()) {
      if (!entry.is_object()) return util::Status::InvalidArgument("auths" + Quoted(key) + " is not an object");
      std::string auth = StringField(entry, "auth");
      if (!auth.empty()) {
        auto decoded = Base64Decode(auth);
        if (!decoded) return util::Status::InvalidArgument("auths" + Quoted(key) + ".auth is not valid base64");
        size_t colon = decoded->find(':');
        if (colon == std::string::npos) {
          return util::Status::InvalidArgument("auths" + Quoted(key) + ".auth is not base64 of \"user:password\"");
        }
        cfg.auths[key] = {decoded->substr(0, colon), decoded->substr(colon + 1)};
      } else if (std::string user = StringField(entry, "username"); !user.empty()) {
        cfg.auths[key] = {user, StringField(entry, "password")};
      }
    }
  }
  if (auto it = doc.find("credHelpers"); it != doc.end()) {
    if (!it->is_object()) return util::Status::InvalidArgument("\"credHelpers\" is not an object");
    for (const auto& [key, name] : it->items()) {
      if (!name.is_string() || name.get<std::string>().empty()) {
        return util::Status::InvalidArgument("credHelpers" + Quoted(key) + " is not a helper name");
      }
      cfg.cred_helpers[key] = name.get<std::string>();
    }
  }
  if (auto it = doc.find("credsStore"); it != doc.end()) {
    if (!it->is_string()) return util::Status::InvalidArgument("\"credsStore\" is not a string");
    cfg.creds_store = it->get<std::string>();
  }
  return cfg;
}

}  // namespace executor::docker
