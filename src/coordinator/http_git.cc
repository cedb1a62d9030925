// git smart HTTP (clone/fetch only) for mirrored local repositories, authenticated
// like GitLab: HTTP basic auth with user gitlab-ci-token and a running job's token.
#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

ApiResponse ServeGit(Coordinator& c, const httplib::Request& req) {
  const std::string project = req.matches[1];
  const std::string rest = req.matches[2];
  if (!JobTokenAuthorized(c, req, project)) return BasicAuthChallenge();
  if (rest == "git-receive-pack" || req.get_param_value("service") == "git-receive-pack") {
    return ApiResponse::Text(403, "You are not allowed to push code to this project.\n");
  }
  if (!c.git_mirrors().Has(project)) return ApiResponse::Message(404, "404 Project Not Found");
  const auto q = req.target.find('?');
  auto a = c.git_mirrors().Serve(req.method, "/" + project + ".git/" + rest,
                                 q == std::string::npos ? "" : req.target.substr(q + 1),
                                 req.get_header_value("Content-Type"), req.get_header_value("Git-Protocol"), req.body);
  if (!a.ok()) return ApiResponse::Message(500, "500 " + a.status().message());
  ApiResponse out;
  out.status = a->status;
  out.content_type = "application/octet-stream";
  for (const auto& [k, v] : a->headers) {
    if (k == "Content-Type") out.content_type = v;
    else out.SetHeader(k, v);
  }
  out.body = std::move(a->body);
  return out;
}

}  // namespace

void RegisterGitRoutes(httplib::Server& svr, Coordinator& c) {
  const char* pattern = R"(/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+)\.git/(info/refs|git-upload-pack|git-receive-pack))";
  auto handler = [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "git", req, res, [&c](const httplib::Request& r) { return ServeGit(c, r); });
  };
  svr.Get(pattern, handler);
  svr.Post(pattern, handler);
}

}  // namespace coordinator::http
