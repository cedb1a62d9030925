#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {

void RegisterTraceRoutes(httplib::Server& svr, Coordinator& c) {
  svr.Patch(R"(/api/v4/jobs/(\d{1,18})/trace)", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "jobs_trace", req, res, [&c](const httplib::Request& r) {
      TraceChunk chunk;
      chunk.job_id = std::stoll(r.matches[1]);
      chunk.token = r.has_header("JOB-TOKEN") ? r.get_header_value("JOB-TOKEN") : r.get_param_value("token");
      if (r.has_header("Content-Range")) chunk.content_range = r.get_header_value("Content-Range");
      chunk.content_type = MediaType(r);
      chunk.body = r.body;
      if (r.has_param("debug_trace")) chunk.debug_trace = r.get_param_value("debug_trace");
      return c.AppendTrace(chunk);
    });
  });
}

}  // namespace coordinator::http
