#include "artifacts/downloader.h"

namespace artifacts {

util::Status DownloadArtifacts(util::HttpTransport& http, const DownloadRequest& req, std::ostream& log,
                               const TransferOptions& opts) {
  std::string base = req.server_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string url = base + "/api/v4/jobs/" + std::to_string(req.job_id) + "/artifacts";
  const std::string what = "Downloading artifacts from coordinator...";
  const std::string id = "  id=" + std::to_string(req.job_id);
  std::string detail;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    util::HttpRequest r;
    r.url = url + (req.direct_download && attempt == 1 ? "?direct_download=true" : "");
    r.headers.Add("JOB-TOKEN", req.token);
    r.timeout = opts.timeout;
    if (!req.ca_file.empty()) r.ca_file = req.ca_file;
    DownloadResult d = DownloadToFile(http, r, req.out_path);
    int hops = 0;
    while ((d.status == 302 || d.status == 307) && !d.location.empty() && hops++ < 5) {
      util::HttpRequest direct;  // pre-signed: no token
      direct.url = d.location;
      direct.timeout = opts.timeout;
      d = DownloadToFile(http, direct, req.out_path);
      if (d.status == 200) log << "Downloading artifacts from object storage (direct download)\n";
    }
    if (d.status == 200) {
      log << what << " ok" << id << " responseStatus=200 OK\n";
      return util::Status::Ok();
    }
    if (d.status == 0 && d.error.rfind("cannot ", 0) == 0) {
      log << "ERROR: " << what << " " << d.error << id << "\n";
      return util::Status::IOError(d.error);
    }
    detail = d.status == 0 ? "error: " + d.error : StatusText(d.status);
    if (std::string s3 = S3ErrorSummary(d.error); !s3.empty()) detail += " (" + s3 + ")";
    if (d.status == 401 || d.status == 403) {
      log << "ERROR: " << what << " forbidden" << id << " responseStatus=" << detail << "\n";
      return util::Status::PermissionDenied("downloading artifacts of job " + std::to_string(req.job_id) + ": " + detail);
    }
    if (d.status == 404) {
      log << "ERROR: " << what << " not found" << id << " responseStatus=" << detail << "\n";
      return util::Status::NotFound("downloading artifacts of job " + std::to_string(req.job_id) + ": " + detail);
    }
    log << "WARNING: " << what << " failed" << id << " responseStatus=" << detail
        << (attempt < 3 ? " (will retry)" : "") << "\n";
    if (attempt < 3) Pause(opts, std::chrono::seconds(1));
  }
  return util::Status::Unavailable("downloading artifacts of job " + std::to_string(req.job_id) + ": " + detail);
}

}  // namespace artifacts
