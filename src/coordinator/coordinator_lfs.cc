// GitLab's Git LFS API for the mirrored projects (Repositories::LfsApiController and
// LfsStorageController as they answer a CI job token): the batch API hands out download
// actions that point back at the coordinator, with the request's own Authorization.
#include "coordinator/coordinator.h"

namespace coordinator {
namespace {

constexpr char kLfsContentType[] = "application/vnd.git-lfs+json; charset=utf-8";

ApiResponse LfsJson(int status, const nlohmann::json& body) {
  ApiResponse a = ApiResponse::Json(status, body);
  a.content_type = kLfsContentType;
  return a;
}

}  // namespace

ApiResponse Coordinator::LfsNotFound() const {
  return LfsJson(404, {{"message", "Not found."}, {"documentation_url", base_url() + "/help"}});
}

ApiResponse Coordinator::LfsForbidden() const {
  return LfsJson(403, {{"message", "Access forbidden. Check your access level."},
                       {"documentation_url", base_url() + "/help"}});
}

ApiResponse Coordinator::LfsBatch(const std::string& project_path, const nlohmann::json& request,
                                  const std::string& authorization) const {
  // GitLab checks access before anything else: a job token may download (build_download_code)
  // but never upload (no push_code), and an unknown operation is neither.
  const nlohmann::json operation = request.is_object() ? request.value("operation", nlohmann::json()) : nlohmann::json();
  if (operation != "download") return LfsForbidden();
  const nlohmann::json objects = request.value("objects", nlohmann::json());
  if (!objects.is_array() || objects.empty()) return LfsNotFound();
  const std::string href_base = base_url() + "/" + project_path + ".git/gitlab-lfs/objects/";
  nlohmann::json out = nlohmann::json::array();
  for (nlohmann::json object : objects) {
    if (!object.is_object()) object = nlohmann::json::object();
    const nlohmann::json oid = object.value("oid", nlohmann::json());
    if (oid.is_string() && git_->LfsObject(project_path, oid.get<std::string>())) {
      nlohmann::json header = nlohmann::json::object();
      if (!authorization.empty()) header["Authorization"] = authorization;
      object["actions"] = {{"download", {{"href", href_base + oid.get<std::string>()}, {"header", header}}}};
    } else {
      object["error"] = {{"code", 404},
                         {"message", "Object does not exist on the server or you don't have permissions to access it"}};
    }
    out.push_back(std::move(object));
  }
  return LfsJson(200, {{"objects", out}});
}

std::optional<std::filesystem::path> Coordinator::LfsObjectFile(const std::string& project_path,
                                                                const std::string& oid) const {
  return git_->LfsObject(project_path, oid);
}

}  // namespace coordinator
