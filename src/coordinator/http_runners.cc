#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

// Parses the parameters, then calls `method` on the coordinator.
Handler WithParams(Coordinator& c, ApiResponse (Coordinator::*method)(const nlohmann::json&)) {
  return [&c, method](const httplib::Request& req) {
    auto p = Params(req);
    if (!p.ok()) return ApiResponse::Message(400, "400 Bad request - " + p.status().message());
    return (c.*method)(*p);
  };
}

}  // namespace

void RegisterRunnerRoutes(httplib::Server& svr, Coordinator& c) {
  svr.Post("/api/v4/runners", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "runners_register", req, res, WithParams(c, &Coordinator::RegisterRunner));
  });
  svr.Post("/api/v4/runners/verify", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "runners_verify", req, res, WithParams(c, &Coordinator::VerifyRunner));
  });
  svr.Delete("/api/v4/runners", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "runners_delete", req, res, WithParams(c, &Coordinator::DeleteRunner));
  });
  svr.Delete("/api/v4/runners/managers", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "runners_managers_delete", req, res, WithParams(c, &Coordinator::DeleteRunnerManager));
  });
  svr.Post("/api/v4/runners/reset_authentication_token", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "runners_reset_token", req, res, WithParams(c, &Coordinator::ResetRunnerToken));
  });
}

}  // namespace coordinator::http
