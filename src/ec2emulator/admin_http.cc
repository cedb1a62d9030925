// The admin API (/admin/…, JSON) and the per-instance metadata route (/imds/<id>/…).
#include <httplib.h>

#include <nlohmann/json.hpp>

#include "ec2emulator/server.h"

namespace ec2emulator::http {
namespace {

using nlohmann::json;

void Json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void Error(httplib::Response& res, const util::Status& s) {
  int status = 400;
  if (s.code() == util::Status::Code::kNotFound) status = 404;
  if (s.code() == util::Status::Code::kFailedPrecondition) status = 409;
  Json(res, status, {{"error", s.message()}});
}

}  // namespace

void RegisterAdminRoutes(httplib::Server& svr, Emulator& emulator, const std::string& admin_token) {
  auto guard = [admin_token](auto handler) {
    return [admin_token, handler](const httplib::Request& req, httplib::Response& res) {
      if (!admin_token.empty() && req.get_header_value("Authorization") != "Bearer " + admin_token) {
        Json(res, 401, {{"error", "401 Unauthorized: send Authorization: Bearer <admin token>"}});
        return;
      }
      handler(req, res);
    };
  };
  svr.Get("/admin/instances", guard([&emulator](const httplib::Request&, httplib::Response& res) {
            Json(res, 200, emulator.InstancesJson());
          }));
  svr.Post(R"(/admin/instances/([^/]+)/(interrupt|rebalance|stop))",
           guard([&emulator](const httplib::Request& req, httplib::Response& res) {
             const std::string id = req.matches[1];
             util::Status s = req.matches[2] == "interrupt" ? emulator.Interrupt(id)
                              : req.matches[2] == "stop"    ? emulator.Stop(id)
                                                            : emulator.Rebalance(id);
             if (!s.ok()) return Error(res, s);
             Json(res, 200, {{"id", id}});
           }));
  svr.Get("/admin/faults", guard([&emulator](const httplib::Request&, httplib::Response& res) {
            Json(res, 200, emulator.FaultsJson());
          }));
  svr.Post("/admin/faults", guard([&emulator](const httplib::Request& req, httplib::Response& res) {
             json j = json::parse(req.body, nullptr, false);
             if (j.is_discarded()) return Json(res, 400, {{"error", "the body is not JSON"}});
             util::Status s = emulator.AddFault(j);
             if (!s.ok()) return Error(res, s);
             Json(res, 201, emulator.FaultsJson());
           }));
  svr.Delete("/admin/faults", guard([&emulator](const httplib::Request&, httplib::Response& res) {
               emulator.ClearFaults();
               res.status = 204;
             }));
  svr.Post("/admin/spot-prices", guard([&emulator](const httplib::Request& req, httplib::Response& res) {
             json j = json::parse(req.body, nullptr, false);
             if (j.is_discarded() || !j.is_object() || !j.value("instance_type", json()).is_string() ||
                 !j.value("price", json()).is_number()) {
               return Json(res, 400, {{"error", "body must be {\"instance_type\": string, \"price\": number}"}});
             }
             util::Status s = emulator.SetSpotPrice(j["instance_type"], j["price"].get<double>());
             if (!s.ok()) return Error(res, s);
             Json(res, 201, j);
           }));
  svr.Get("/admin/stats", guard([&emulator](const httplib::Request&, httplib::Response& res) {
            Json(res, 200, emulator.StatsJson());
          }));
  auto imds = [&emulator](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    const std::string path = req.matches[2];
    HttpReply r =
        emulator.Imds(id, req.method, path, req.get_header_value("X-aws-ec2-metadata-token"),
                      req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds"), req.has_header("X-Forwarded-For"));
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_content(r.body, r.content_type.c_str());
  };
  const char* kImds = R"(/imds/(i-[0-9a-f]+)(/.*))";
  svr.Get(kImds, imds);
  // The token PUT has no body and often no Content-Length: leave the body unread
  // (a plain handler would make cpp-httplib read until the client closes).
  svr.Put(kImds, [imds](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader&) {
    imds(req, res);
  });
}

}  // namespace ec2emulator::http
