#pragma once
// Runner and job token helpers (protocol reference §1.2). Tokens are secrets: these helpers
// exist so that logs, cache paths and machine names can use the short form instead.
#include <string>
#include <string_view>

namespace gitlab {

// The short token: strips one known prefix (a leading "glrt-" plus an optional "t1_"/"t2_"/
// "t3_" right after it, or a bare leading "t1_"/"t2_"/"t3_", or "glrtr-", or "glcbt-", or
// "GR" followed by 7 hex digits), then keeps the first 9 characters.
// Example: "glrt-t1_t9Wkyj-HGRkqQ-VWTGAr" -> "t9Wkyj-HG".
std::string ShortToken(std::string_view token);

// True for tokens of runners created in GitLab's UI/API ("glrt-"): these are registered by
// POST /runners/verify and unregistered with DELETE /runners/managers.
bool IsCreatedRunnerToken(std::string_view token);

}  // namespace gitlab
