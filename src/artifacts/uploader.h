#pragma once
// Uploads one artifacts archive to POST /api/v4/jobs/:id/artifacts as gitlab-runner's
// artifacts-uploader does (protocol reference §2.10): one multipart part "file" named
// after the artifact, artifact_format/artifact_type/expire_in in the query string, the
// JOB-TOKEN header, the body streamed from the archive file. 307 → the scheme and host of
// Location become the base and the request is sent again; 403 and 413 are final; 503 is
// retried up to 6 tries, other failures up to 3, with backoff 1 s doubling to 5 s.
#include <cstdint>
#include <ostream>
#include <string>

#include "artifacts/http_transfer.h"
#include "util/http_client.h"
#include "util/status.h"

namespace artifacts {

struct UploadRequest {
  std::string server_url;  // CI_SERVER_URL ("http://host:port", no /api/v4)
  int64_t job_id = 0;
  std::string token;  // job token; never printed
  std::string archive_path;
  std::string file_name;        // "artifacts.zip", "junit.xml.gz", ...
  std::string artifact_format;  // zip, gzip, raw
  std::string artifact_type;    // archive, junit, ...
  std::string expire_in;        // "" = omitted
  std::string ca_file;          // CA bundle trusted for the GitLab server ("" = the system's)
};

// Progress and results go to `log` as job-log lines. OK on 201. Otherwise: Aborted for
// final refusals (403, 413, 405, 400), Unavailable when retries ran out, IOError when the
// archive cannot be read.
util::Status UploadArtifact(util::HttpTransport& http, const UploadRequest& req, std::ostream& log,
                            const TransferOptions& opts = {});

// "a b" → "a%20b": a query-string value.
std::string QueryEscape(const std::string& s);

}  // namespace artifacts
