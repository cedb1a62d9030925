#pragma once
// Image references ("alpine", "registry.example.com:5000/g/p/img:1.2@sha256:...") as the
// Engine API wants them, and the X-Registry-Auth header for a pull with credentials.
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "util/status.h"

namespace executor::docker {

struct ImageRef {
  std::string registry;    // "docker.io" when the name has no registry part
  std::string repository;  // the name without tag and digest: "alpine", "host:5000/g/img"
  std::string tag;         // "" when absent
  std::string digest;      // "sha256:..." or ""

  // The reference to inspect or run: repository plus "@digest", else ":tag", else ":latest".
  std::string Canonical() const;
  // The tag query parameter of /images/create: the digest, else the tag, else "latest".
  std::string PullTag() const;
};

// kInvalidArgument for an empty name or one with spaces or an empty component.
util::Result<ImageRef> ParseImageRef(const std::string& name);

// The registry host a URL or key names: scheme and path stripped, host:port kept, Docker
// Hub's aliases (index.docker.io, registry-1.docker.io, https://index.docker.io/v1/) as
// "docker.io".
std::string NormalizeRegistry(std::string url);

// The credentials (user, password) among `auth` (registry URL -> (user, password), URLs as
// GitLab sends them, with or without scheme) that apply to `registry`; Docker Hub answers
// to any of its known host names.
std::optional<std::pair<std::string, std::string>> FindCredentials(
    const std::map<std::string, std::pair<std::string, std::string>>& auth, const std::string& registry);

// The X-Registry-Auth value: URL-safe base64 of {"username","password","serveraddress"}.
std::string RegistryAuthHeader(const std::string& user, const std::string& password,
                               const std::string& server);

// URL-safe base64 (RFC 4648 section 5) with padding.
std::string Base64UrlEncode(std::string_view in);

}  // namespace executor::docker
