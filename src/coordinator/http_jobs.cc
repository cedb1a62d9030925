#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

constexpr size_t kWorkhorseMaxBody = 32 * 1024;

ApiResponse RequestJob(Coordinator& c, const httplib::Request& req) {
  // Workhorse's checks before it looks at the body.
  if (req.body.size() > kWorkhorseMaxBody) return ApiResponse::Message(413, "413 Request Entity Too Large");
  if (MediaType(req) != "application/json") {
    return ApiResponse::Message(415, "415 Unsupported Media Type - jobs/request needs application/json");
  }
  auto p = Params(req);
  if (!p.ok()) return ApiResponse::Message(400, "400 Bad request - " + p.status().message());
  return c.RequestJob(*p);
}

ApiResponse UpdateJob(Coordinator& c, const httplib::Request& req) {
  auto p = Params(req);
  if (!p.ok()) return ApiResponse::Message(400, "400 Bad request - " + p.status().message());
  return c.UpdateJob(std::stoll(req.matches[1]), req.get_header_value("JOB-TOKEN"), *p);
}

}  // namespace

void RegisterJobRoutes(httplib::Server& svr, Coordinator& c) {
  svr.Post("/api/v4/jobs/request", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "jobs_request", req, res, [&c](const httplib::Request& r) { return RequestJob(c, r); });
  });
  svr.Put(R"(/api/v4/jobs/(\d{1,18}))", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "jobs_update", req, res, [&c](const httplib::Request& r) { return UpdateJob(c, r); });
  });
}

}  // namespace coordinator::http
