#include "coordinator/api_response.h"

#include <strings.h>

namespace coordinator {

ApiResponse ApiResponse::Json(int status, const nlohmann::json& body) {
  ApiResponse r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.content_type = "application/json";
  return r;
}

ApiResponse ApiResponse::Message(int status, const std::string& message) {
  return Json(status, nlohmann::json{{"message", message}});
}

ApiResponse ApiResponse::ParamError(const std::string& error) {
  return Json(400, nlohmann::json{{"error", error}});
}

ApiResponse ApiResponse::Text(int status, std::string text) {
  ApiResponse r;
  r.status = status;
  r.body = std::move(text);
  r.content_type = "text/plain";
  return r;
}

ApiResponse ApiResponse::Empty(int status) {
  ApiResponse r;
  r.status = status;
  return r;
}

void ApiResponse::SetHeader(const std::string& name, const std::string& value) {
  for (auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) {
      v = value;
      return;
    }
  }
  headers.emplace_back(name, value);
}

std::string ApiResponse::Header(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

nlohmann::json ApiResponse::JsonBody() const {
  return nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
}

}  // namespace coordinator
