#pragma once
// A Docker client configuration (DOCKER_AUTH_CONFIG or ~/.docker/config.json) as far as
// image pulls need it: `auths` (base64 "user:password" in `auth`, or `username` and
// `password`), `credHelpers` (registry -> helper name) and `credsStore` (default helper).
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "util/status.h"

namespace executor::docker {

struct DockerAuthConfig {
  // Registry key as written (e.g. "https://index.docker.io/v1/") -> (user, password).
  // Entries without credentials (what `docker login` leaves with a credsStore) are absent.
  std::map<std::string, std::pair<std::string, std::string>> auths;
  std::map<std::string, std::string> cred_helpers;  // registry key -> helper name
  std::string creds_store;                          // "" = none
};

// kInvalidArgument with what is wrong ("not JSON: ...", "auths[\"r\"].auth: not base64"),
// never with a credential in the message: the caller names the source.
util::Result<DockerAuthConfig> ParseDockerAuthConfig(const std::string& json_text);

// Strict standard base64 (RFC 4648 section 4, padding optional); nullopt when malformed.
std::optional<std::string> Base64Decode(std::string_view in);

}  // namespace executor::docker
