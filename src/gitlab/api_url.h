#pragma once
// The runner API base URL (protocol reference §1.1).
#include <string>
#include <string_view>

#include "util/status.h"

namespace gitlab {

// Normalises a configured GitLab URL to the API base: trailing '/' characters removed, then
// one trailing "/ci" removed, then "/api/v4/" appended.
// "https://gitlab.example.com/" -> "https://gitlab.example.com/api/v4/".
// On failure (scheme other than http/https, no host): kInvalidArgument.
util::Result<std::string> NormalizeApiUrl(std::string_view url);

}  // namespace gitlab
