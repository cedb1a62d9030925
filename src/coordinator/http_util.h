#pragma once
// Helpers shared by the http_*.cc route files: parameter parsing, fault injection,
// request logging and copying an ApiResponse onto an httplib::Response.
#include <functional>
#include <string>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "coordinator/api_response.h"
#include "coordinator/coordinator.h"
#include "util/status.h"

namespace coordinator::http {

using Handler = std::function<ApiResponse(const httplib::Request&)>;

// Serves one runner-API request: applies a fault armed for `endpoint` (which may answer
// instead of `fn`), runs `fn`, turns JSON type errors into 400, writes the answer and
// adds the request to the coordinator's request log.
void Serve(Coordinator& c, const std::string& endpoint, const httplib::Request& req, httplib::Response& res,
           const Handler& fn);

// The request's parameters as GitLab reads them: a JSON object body or a form body,
// plus query parameters. InvalidArgument when the body is neither.
util::Result<nlohmann::json> Params(const httplib::Request& req);

// The media type of Content-Type, lowercased, without parameters.
std::string MediaType(const httplib::Request& req);

void Write(const ApiResponse& a, httplib::Response& res);

}  // namespace coordinator::http
