#pragma once
// Helpers shared by the http_*.cc route files: parameter parsing, fault injection,
// request logging and copying an ApiResponse onto an httplib::Response.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>

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

// Streams `path` (`size` bytes) as the body of `res`, application/octet-stream (the
// handler then answers an ApiResponse without content type, which Write leaves alone).
void SendFile(httplib::Response& res, const std::filesystem::path& path, int64_t size);

// The HTTP basic credentials {user, password} of `req`; nullopt without a Basic
// Authorization header.
std::optional<std::pair<std::string, std::string>> BasicCredentials(const httplib::Request& req);

// What GitLab's git HTTP front end answers missing or wrong credentials (git and LFS):
// 401 "HTTP Basic: Access denied" with `WWW-Authenticate: Basic realm="GitLab"`.
ApiResponse BasicAuthChallenge();

// Whether `req` carries gitlab-ci-token:<token> of a running job that may read
// `project_path` (Coordinator::JobTokenCanRead).
bool JobTokenAuthorized(const Coordinator& c, const httplib::Request& req, const std::string& project_path);

}  // namespace coordinator::http
