#include "artifacts/uploader.h"

#include <algorithm>

#include "artifacts/file_body.h"

namespace artifacts {
namespace {

// "scheme://host[:port]" of an absolute URL; "" when it is not one.
std::string Origin(const std::string& url) {
  size_t s = url.find("://");
  if (s == std::string::npos) return "";
  size_t e = url.find('/', s + 3);
  return e == std::string::npos ? url : url.substr(0, e);
}

}  // namespace

std::string QueryEscape(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

util::Status UploadArtifact(util::HttpTransport& http, const UploadRequest& req, std::ostream& log,
                            const TransferOptions& opts) {
  auto body = FileBody::Open(req.archive_path);
  if (!body.ok()) return body.status();
  std::string boundary = NewBoundary();
  (*body)->WrapMultipart(boundary, "file", req.file_name);

  std::string base = req.server_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string query = "?artifact_format=" + QueryEscape(req.artifact_format.empty() ? "zip" : req.artifact_format) +
                      "&artifact_type=" + QueryEscape(req.artifact_type.empty() ? "archive" : req.artifact_type);
  if (!req.expire_in.empty()) query += "&expire_in=" + QueryEscape(req.expire_in);
  const std::string what = "Uploading artifacts as \"" + (req.artifact_type.empty() ? "archive" : req.artifact_type) +
                           "\" to coordinator...";
  const std::string id = "  id=" + std::to_string(req.job_id);

  std::chrono::milliseconds backoff(1000);
  int tries = 0, redirects = 0;
  while (true) {
    ++tries;
    util::HttpRequest r;
    r.method = "POST";
    r.url = base + "/api/v4/jobs/" + std::to_string(req.job_id) + "/artifacts" + query;
    r.headers.Add("JOB-TOKEN", req.token);
    r.headers.Add("Content-Type", "multipart/form-data; boundary=" + boundary);
    r.timeout = opts.timeout;
    if (!req.ca_file.empty()) r.ca_file = req.ca_file;
    (*body)->Rewind();
    (*body)->Attach(&r);
    util::HttpResponse resp = http.Send(r);
    int s = resp.status;
    if (resp.transport_ok() && s == 201) {
      log << what << " 201 Created" << id << " responseStatus=201 Created\n";
      return util::Status::Ok();
    }
    if (resp.transport_ok() && s == 307 && redirects < 5) {
      std::string origin = Origin(resp.headers.GetOr("Location"));
      if (!origin.empty()) {
        ++redirects;
        --tries;
        log << what << " 307 Temporary Redirect" << id << " location=" << origin << "\n";
        base = origin;
        continue;
      }
    }
    std::string detail = resp.transport_ok() ? StatusText(s) : std::string("error: ") + resp.error.message;
    if (resp.transport_ok() && (s == 400 || s == 403 || s == 405 || s == 413)) {
      std::string why = s == 413   ? "too large archive"
                        : s == 403 ? "forbidden"
                        : s == 405 ? "artifacts are disabled on this instance"
                                   : "bad request";
      log << "ERROR: " << what << " " << why << id << " responseStatus=" << detail << "\n";
      return util::Status::Aborted("uploading artifacts: " + why + " (" + detail + ")");
    }
    int limit = s == 503 ? 6 : 3;
    if (tries >= limit) {
      log << "ERROR: " << what << " failed" << id << " responseStatus=" << detail << "\n";
      return util::Status::Unavailable("uploading artifacts failed after " + std::to_string(tries) +
                                       " tries: " + detail);
    }
    log << "WARNING: " << what << " failed" << id << " responseStatus=" << detail << " (will retry)\n";
    Pause(opts, backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(5000));
  }
}

}  // namespace artifacts
