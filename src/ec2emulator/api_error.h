#pragma once
// ApiError: an error answer of the EC2 or Auto Scaling Query API, as AWS writes it: an
// HTTP status, a code callers branch on (`InvalidInstanceID.NotFound`) and a message.
// The envelope differs per API (EC2 `Response/Errors/Error` + `RequestID`, Auto Scaling
// `ErrorResponse/Error` with `Type` + `RequestId`); see xml.h.
#include <string>
#include <variant>

namespace ec2emulator {

struct ApiError {
  int http_status = 400;
  std::string code;
  std::string message;
  // Auto Scaling's <Type>: "Sender" for 4xx, "Receiver" for 5xx.
  const char* type() const { return http_status >= 500 ? "Receiver" : "Sender"; }
};

inline ApiError InvalidParameterValue(std::string m) { return {400, "InvalidParameterValue", std::move(m)}; }
inline ApiError MissingParameter(const std::string& name) {
  return {400, "MissingParameter", "The request must contain the parameter " + name};
}
inline ApiError ValidationError(std::string m) { return {400, "ValidationError", std::move(m)}; }

// A value or the ApiError that answers the request.
template <typename T>
using ApiResult = std::variant<T, ApiError>;

template <typename T>
bool IsError(const ApiResult<T>& r) {
  return std::holds_alternative<ApiError>(r);
}

}  // namespace ec2emulator
