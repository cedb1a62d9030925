#pragma once
// Reading GitLab's HTTP answers: JSON bodies (only for Content-Type application/json, §1.3)
// and error statuses turned into util::Status for people (§1.4).
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "util/http_client.h"
#include "util/status.h"

namespace gitlab {

// True when the Content-Type media type (parameters ignored) is application/json.
bool IsJsonResponse(const util::HttpResponse& r);

// The parsed body when IsJsonResponse and it parses; nullopt otherwise.
std::optional<nlohmann::json> JsonBody(const util::HttpResponse& r);

// A non-OK Status describing why `r` is not the expected answer to `what` (e.g.
// "POST /runners"): transport errors and retriable statuses -> kUnavailable (timeouts ->
// kDeadlineExceeded), 401/403 -> kPermissionDenied, 404 -> kNotFound, 400 ->
// kInvalidArgument, 409/410/412/422 -> kFailedPrecondition, others -> kInternal. The message
// has the status and GitLab's `message` field when there is one.
util::Status StatusFromResponse(std::string_view what, const util::HttpResponse& r);

}  // namespace gitlab
