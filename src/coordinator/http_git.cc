// git smart HTTP (clone/fetch only) for mirrored local repositories, authenticated
// like GitLab: HTTP basic auth with user gitlab-ci-token and a running job's token.
#include "coordinator/http_util.h"
#include "coordinator/routes.h"

namespace coordinator::http {
namespace {

std::string Base64Decode(const std::string& in) {
  auto val = [](char ch) -> int {
    if (ch >= 'A' && ch <= 'Z') return ch - 'A';
    if (ch >= 'a' && ch <= 'z') return ch - 'a' + 26;
    if (ch >= '0' && ch <= '9') return ch - '0' + 52;
    if (ch == '+') return 62;
    if (ch == '/') return 63;
    return -1;
  };
  std::string out;
  int buf = 0, bits = 0;
  for (char ch : in) {
    int v = val(ch);
    if (v < 0) continue;
    buf = (buf << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xff));
    }
  }
  return out;
}

ApiResponse Unauthorized() {
  ApiResponse a = ApiResponse::Text(401, "HTTP Basic: Access denied\n");
  a.SetHeader("WWW-Authenticate", "Basic realm=\"GitLab\"");
  return a;
}

ApiResponse ServeGit(Coordinator& c, const httplib::Request& req) {
  const std::string project = req.matches[1];
  const std::string rest = req.matches[2];
  const std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Basic ", 0) != 0) return Unauthorized();
  const std::string creds = Base64Decode(auth.substr(6));
  const auto colon = creds.find(':');
  const std::string user = creds.substr(0, colon);
  const std::string pass = colon == std::string::npos ? "" : creds.substr(colon + 1);
  if (user != "gitlab-ci-token" || !c.JobTokenCanRead(project, pass)) return Unauthorized();
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
