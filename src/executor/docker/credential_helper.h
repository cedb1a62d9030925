#pragma once
// Docker credential helpers: `docker-credential-<name> get` (looked up in PATH) with the
// registry on stdin answers {"Username": ..., "Secret": ...} on stdout. Bounded in time: a
// helper that hangs (waiting for a keychain unlock, a network) is killed with its children.
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "util/status.h"

namespace executor::docker {

// (user, secret); nullopt when the helper says it holds nothing for `registry` (the
// helpers' "credentials not found" answer). Errors name the helper and the registry, never
// the helper's output (it may hold a secret): missing program, killed after `timeout`,
// non-zero exit, an answer that is not the JSON above.
util::Result<std::optional<std::pair<std::string, std::string>>> RunCredentialHelper(
    const std::string& name, const std::string& registry,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace executor::docker
