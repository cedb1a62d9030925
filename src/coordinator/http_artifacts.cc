// POST/GET /api/v4/jobs/:id/artifacts (Workhorse + Rails, protocol reference §2.10/§2.11)
// and the admin view of stored artifacts: GET /admin/jobs/:id/artifacts (list) and
// GET /admin/jobs/:id/artifacts/:index (bytes). Bodies are streamed to and from disk.
#include <cstdio>
#include <map>
#include <memory>

#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

std::string TokenOf(const httplib::Request& r) {
  return r.has_header("JOB-TOKEN") ? r.get_header_value("JOB-TOKEN") : r.get_param_value("token");
}

bool AdminAuthorized(const Coordinator& c, const httplib::Request& req) {
  const std::string& want = c.options().admin_token;
  return want.empty() || req.get_header_value("PRIVATE-TOKEN") == want ||
         req.get_header_value("Authorization") == "Bearer " + want;
}

ApiResponse Upload(Coordinator& c, const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader) {
  const int64_t id = std::stoll(req.matches[1]);
  if (auto deny = c.CheckArtifactsUpload(id, TokenOf(req))) {
    res.set_header("Connection", "close");  // the body is not read
    return *deny;
  }
  if (!req.is_multipart_form_data()) {
    res.set_header("Connection", "close");
    return ApiResponse::ParamError("file is missing");
  }
  const int64_t max = c.artifact_store().max_size();
  if (req.has_header("Content-Length") && std::stoll(req.get_header_value("Content-Length")) > max) {
    res.set_header("Connection", "close");
    return ApiResponse::Message(413, "413 Request Entity Too Large");
  }
  StoredArtifact a;
  a.path = c.artifact_store().NewUploadPath(id);
  std::unique_ptr<FILE, int (*)(FILE*)> out(nullptr, std::fclose);
  std::string field;
  std::map<std::string, std::string> fields;
  bool files = false, too_large = false, write_failed = false;
  bool ok = reader(
      [&](const httplib::MultipartFormData& part) {
        field = part.name;
        if (field == "file") {
          if (files) return false;  // one file part only
          files = true;
          a.filename = part.filename;
          out.reset(std::fopen(a.path.c_str(), "wb"));
          write_failed = !out;
        }
        return true;
      },
      [&](const char* data, size_t n) {
        if (field != "file") {
          if (fields[field].size() < 1024) fields[field].append(data, n);
          return true;
        }
        a.size += static_cast<int64_t>(n);
        if (a.size > max) {
          too_large = true;
          return false;
        }
        if (!write_failed && std::fwrite(data, 1, n, out.get()) != n) write_failed = true;
        return !write_failed;
      });
  bool closed_ok = out && std::fclose(out.release()) == 0;
  auto drop = [&] {
    std::error_code ec;
    std::filesystem::remove(a.path, ec);
  };
  if (too_large) {
    drop();
    res.set_header("Connection", "close");
    return ApiResponse::Message(413, "413 Request Entity Too Large");
  }
  if (write_failed || (files && !closed_ok)) {
    drop();
    return ApiResponse::Message(500, "500 Internal Server Error");
  }
  if (!ok || !files) {
    drop();
    return ApiResponse::ParamError("file is missing");
  }
  auto param = [&](const std::string& k, const std::string& def) {
    if (req.has_param(k.c_str())) return req.get_param_value(k.c_str());
    auto it = fields.find(k);
    return it == fields.end() ? def : it->second;
  };
  a.artifact_type = param("artifact_type", "archive");
  a.artifact_format = param("artifact_format", "zip");
  a.expire_in = param("expire_in", "");
  return c.FinishArtifactsUpload(id, std::move(a));
}

}  // namespace

void RegisterArtifactsRoutes(httplib::Server& svr, Coordinator& c) {
  svr.Post(R"(/api/v4/jobs/(\d{1,18})/artifacts)",
           [&c](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
             Serve(c, "jobs_artifacts", req, res,
                   [&](const httplib::Request& r) { return Upload(c, r, res, reader); });
           });
  svr.Get(R"(/api/v4/jobs/(\d{1,18})/artifacts)", [&c](const httplib::Request& req, httplib::Response& res) {
    Serve(c, "jobs_artifacts_download", req, res, [&](const httplib::Request& r) {
      StoredArtifact a;
      ApiResponse ans = c.FindArtifactsArchive(std::stoll(r.matches[1]), TokenOf(r), &a);
      if (ans.status != 200) return ans;
      res.set_header("Content-Disposition", "attachment; filename=\"" + a.filename + "\"");
      SendFile(res, a.path, a.size);
      return ans;
    });
  });
  svr.Get(R"(/admin/jobs/(\d{1,18})/artifacts)", [&c](const httplib::Request& req, httplib::Response& res) {
    if (!AdminAuthorized(c, req)) return Write(ApiResponse::Message(401, "401 Unauthorized"), res);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& a : c.artifact_store().List(std::stoll(req.matches[1]))) {
      out.push_back({{"filename", a.filename},
                     {"artifact_type", a.artifact_type},
                     {"artifact_format", a.artifact_format},
                     {"expire_in", a.expire_in},
                     {"size", a.size}});
    }
    Write(ApiResponse::Json(200, out), res);
  });
  svr.Get(R"(/admin/jobs/(\d{1,18})/artifacts/(\d{1,6}))", [&c](const httplib::Request& req, httplib::Response& res) {
    if (!AdminAuthorized(c, req)) return Write(ApiResponse::Message(401, "401 Unauthorized"), res);
    auto list = c.artifact_store().List(std::stoll(req.matches[1]));
    size_t i = std::stoul(req.matches[2]);
    if (i >= list.size()) return Write(ApiResponse::Message(404, "404 Not Found"), res);
    SendFile(res, list[i].path, list[i].size);
  });
}

}  // namespace coordinator::http
