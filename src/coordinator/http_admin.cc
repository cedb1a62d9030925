// The admin API (README.md): queue, inspect and cancel jobs, create runners and
// registration tokens, read the request log, arm faults.
#include "coordinator/http_util.h"
#include "coordinator/job_view.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

using nlohmann::json;

ApiResponse StatusError(const util::Status& s) {
  int code = 400;
  if (s.code() == util::Status::Code::kNotFound) code = 404;
  if (s.code() == util::Status::Code::kFailedPrecondition) code = 409;
  if (s.code() == util::Status::Code::kIOError || s.code() == util::Status::Code::kInternal) code = 500;
  return ApiResponse::Json(code, {{"error", s.message()}});
}

bool Authorized(const Coordinator& c, const httplib::Request& req) {
  const std::string& want = c.options().admin_token;
  if (want.empty()) return true;
  return req.get_header_value("PRIVATE-TOKEN") == want || req.get_header_value("Authorization") == "Bearer " + want;
}

// Wraps an admin handler with the admin-token check and exception handling.
httplib::Server::Handler Admin(Coordinator& c, std::function<ApiResponse(const httplib::Request&)> fn) {
  return [&c, fn](const httplib::Request& req, httplib::Response& res) {
    ApiResponse a;
    if (!Authorized(c, req)) {
      a = ApiResponse::Message(401, "401 Unauthorized");
    } else {
      try {
        a = fn(req);
      } catch (const std::exception& e) {
        a = ApiResponse::Json(400, {{"error", e.what()}});
      }
    }
    Write(a, res);
  };
}

ApiResponse ParsedBody(const httplib::Request& req, json* out) {
  *out = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
  if (out->is_discarded()) return ApiResponse::Json(400, {{"error", "body is not JSON"}});
  return ApiResponse::Empty(0);
}

}  // namespace

void RegisterAdminRoutes(httplib::Server& svr, Coordinator& c) {
  svr.Post("/admin/jobs", Admin(c, [&c](const httplib::Request& req) {
    json body;
    if (ApiResponse bad = ParsedBody(req, &body); bad.status != 0) return bad;
    auto spec = ParseJobSpec(body);
    if (!spec.ok()) return StatusError(spec.status());
    auto id = c.EnqueueJob(*spec);
    if (!id.ok()) return StatusError(id.status());
    return ApiResponse::Json(201, {{"id", *id}});
  }));
  svr.Get("/admin/jobs", Admin(c, [&c](const httplib::Request&) {
    json out = json::array();
    for (const auto& j : c.ListJobs()) {
      out.push_back({{"id", j.id}, {"name", j.spec.name}, {"state", JobStateName(j.state)},
                     {"failure_reason", j.failure_reason}, {"runner_id", j.runner_id}});
    }
    return ApiResponse::Json(200, out);
  }));
  svr.Get(R"(/admin/jobs/(\d{1,18}))", Admin(c, [&c](const httplib::Request& req) {
    const int64_t id = std::stoll(req.matches[1]);
    const int wait = req.has_param("wait") ? std::stoi(req.get_param_value("wait")) : 0;
    auto job = wait > 0 ? c.WaitForJob(id, std::chrono::seconds(wait)) : c.GetJob(id);
    if (!job.ok()) return StatusError(job.status());
    return ApiResponse::Json(200, JobJson(*job, req.get_param_value("payload") == "true"));
  }));
  svr.Post(R"(/admin/jobs/(\d{1,18})/cancel)", Admin(c, [&c](const httplib::Request& req) {
    auto state = c.CancelJob(std::stoll(req.matches[1]), req.get_param_value("force") == "true");
    if (!state.ok()) return StatusError(state.status());
    return ApiResponse::Json(200, {{"state", JobStateName(*state)}});
  }));
  svr.Post("/admin/runners/registration_tokens", Admin(c, [&c](const httplib::Request&) {
    return ApiResponse::Json(201, {{"token", c.CreateRegistrationToken()}});
  }));
  svr.Post("/admin/runners", Admin(c, [&c](const httplib::Request& req) {
    json body;
    if (ApiResponse bad = ParsedBody(req, &body); bad.status != 0) return bad;
    return c.CreateRunner(body);
  }));
  svr.Get("/admin/runners", Admin(c, [&c](const httplib::Request&) {
    json out = json::array();
    for (const auto& r : c.ListRunners()) {
      json managers = json::array();
      for (const auto& [sid, m] : r.managers) managers.push_back({{"system_id", sid}, {"info", m.info}});
      out.push_back({{"id", r.id}, {"description", r.description}, {"tags", r.tags},
                     {"run_untagged", r.run_untagged}, {"paused", r.paused}, {"token", r.token},
                     {"maximum_timeout", r.maximum_timeout}, {"managers", managers}});
    }
    return ApiResponse::Json(200, out);
  }));
  svr.Get("/admin/requests", Admin(c, [&c](const httplib::Request& req) {
    json out = json::array();
    for (const auto& r : c.request_log().Entries(req.get_param_value("endpoint"))) out.push_back(r.ToJson());
    return ApiResponse::Json(200, out);
  }));
  svr.Delete("/admin/requests", Admin(c, [&c](const httplib::Request&) {
    c.request_log().Clear();
    return ApiResponse::Empty(204);
  }));
  svr.Post("/admin/faults", Admin(c, [&c](const httplib::Request& req) {
    json body;
    if (ApiResponse bad = ParsedBody(req, &body); bad.status != 0) return bad;
    auto f = FaultInjector::FromJson(body);
    if (!f.ok()) return StatusError(f.status());
    c.faults().Add(f->first, f->second);
    return ApiResponse::Json(201, body);
  }));
  svr.Delete("/admin/faults", Admin(c, [&c](const httplib::Request&) {
    c.faults().Clear();
    return ApiResponse::Empty(204);
  }));
}

}  // namespace coordinator::http
