#pragma once
// ApiResponse: what one runner-API call answers, as plain data (status, headers, body).
// The coordinator's logic returns these so it can be tested without sockets; the HTTP
// layer (http_*.cc) copies them onto the wire unchanged.
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace coordinator {

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type;  // empty when there is no body
  std::vector<std::pair<std::string, std::string>> headers;

  // A JSON body with Content-Type application/json.
  static ApiResponse Json(int status, const nlohmann::json& body);
  // GitLab's error shape {"message": "<status> <text>"} e.g. Message(403, "403 Forbidden").
  static ApiResponse Message(int status, const std::string& message);
  // Grape's parameter-validation shape {"error": "token is missing"} (always 400).
  static ApiResponse ParamError(const std::string& error);
  static ApiResponse Text(int status, std::string text);
  static ApiResponse Empty(int status);

  // Replaces a header of the same name (case-insensitive) or appends it.
  void SetHeader(const std::string& name, const std::string& value);
  // "" when absent.
  std::string Header(const std::string& name) const;
  // The body parsed as JSON; null when it is not JSON.
  nlohmann::json JsonBody() const;
};

}  // namespace coordinator
