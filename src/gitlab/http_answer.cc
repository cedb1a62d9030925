#include "gitlab/http_answer.h"

#include <string>

#include "gitlab/retry.h"

namespace gitlab {

bool IsJsonResponse(const util::HttpResponse& r) {
  std::string type = r.headers.GetOr("Content-Type");
  std::string_view media(type);
  media = media.substr(0, media.find(';'));
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  while (!media.empty() && media.front() == ' ') media.remove_prefix(1);
  return util::EqualsIgnoreCase(media, "application/json");
}

std::optional<nlohmann::json> JsonBody(const util::HttpResponse& r) {
  if (!IsJsonResponse(r)) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return j;
}

util::Status StatusFromResponse(std::string_view what, const util::HttpResponse& r) {
  std::string prefix(what);
  if (r.error) {
    std::string m = prefix + ": " + util::TransportErrorName(r.error.code) + " error: " + r.error.message;
    if (r.error.code == util::TransportError::Code::kTimeout) return util::Status::DeadlineExceeded(m);
    return util::Status::Unavailable(m);
  }
  std::string m = prefix + ": HTTP " + std::to_string(r.status);
  if (auto j = JsonBody(r); j && j->is_object() && j->contains("message")) {
    const auto& msg = (*j)["message"];
    m += ": " + (msg.is_string() ? msg.get<std::string>() : msg.dump());
  }
  if (IsRetriableStatus(r.status)) return util::Status::Unavailable(m);
  switch (r.status) {
    case 400: return util::Status::InvalidArgument(m);
    case 401:
    case 403: return util::Status::PermissionDenied(m);
    case 404: return util::Status::NotFound(m);
    case 409:
    case 410:
    case 412:
    case 422: return util::Status::FailedPrecondition(m);
    default: return util::Status::Internal(m);
  }
}

}  // namespace gitlab
