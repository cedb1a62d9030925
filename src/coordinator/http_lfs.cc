// Git LFS for mirrored local repositories, as GitLab serves it to a CI job: the batch API
// (POST <project>.git/info/lfs/objects/batch) and the objects it points at
// (GET <project>.git/gitlab-lfs/objects/<oid>), with HTTP basic auth gitlab-ci-token:<job
// token> as for git itself. A job token cannot upload (PUT answers 403, as in GitLab).
#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

constexpr char kProject[] = R"(/([A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+)\.git)";

ApiResponse Batch(Coordinator& c, const httplib::Request& req) {
  const std::string project = req.matches[1];
  if (!JobTokenAuthorized(c, req, project)) return BasicAuthChallenge();
  if (!c.git_mirrors().Has(project)) return ApiResponse::Message(404, "404 Project Not Found");
  // Rails reads the parameters from a body of LFS's media type (or plain JSON) only.
  const std::string type = MediaType(req);
  nlohmann::json body;
  if (type == "application/vnd.git-lfs+json" || type == "application/json") {
    body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) body = nullptr;
  }
  return c.LfsBatch(project, body, req.get_header_value("Authorization"));
}

ApiResponse Download(Coordinator& c, const httplib::Request& req, httplib::Response& res) {
  const std::string project = req.matches[1];
  if (!JobTokenAuthorized(c, req, project)) return BasicAuthChallenge();
  if (!c.git_mirrors().Has(project)) return ApiResponse::Message(404, "404 Project Not Found");
  auto file = c.LfsObjectFile(project, req.matches[2]);
  if (!file) return c.LfsNotFound();
  std::error_code ec;
  const auto size = std::filesystem::file_size(*file, ec);
  if (ec) return c.LfsNotFound();
  SendFile(res, *file, static_cast<int64_t>(size));
  return ApiResponse::Empty(200);
}

ApiResponse Upload(Coordinator& c, const httplib::Request& req, httplib::Response& res) {
  const std::string project = req.matches[1];
  res.set_header("Connection", "close");  // the body is not read
  if (!JobTokenAuthorized(c, req, project)) return BasicAuthChallenge();
  return c.LfsForbidden();
}

}  // namespace

void RegisterLfsRoutes(httplib::Server& svr, Coordinator& c) {
  const std::string project = kProject;
  svr.Post(project + "/info/lfs/objects/batch", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "lfs", req, res, [&c](const httplib::Request& r) { return Batch(c, r); });
  });
  svr.Get(project + "/gitlab-lfs/objects/([0-9a-f]{64})", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "lfs", req, res, [&](const httplib::Request& r) { return Download(c, r, res); });
  });
  svr.Put(project + "/gitlab-lfs/objects/([0-9a-f]{64})/([0-9]+)(?:/authorize)?",
          [&c](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
            Serve(c, "lfs", req, res, [&](const httplib::Request& r) { return Upload(c, r, res); });
          });
}

}  // namespace coordinator::http
