#pragma once
// Downloads a dependency's artifacts archive from GET /api/v4/jobs/:id/artifacts as
// gitlab-runner's artifacts-downloader does (protocol reference §2.11): JOB-TOKEN of the
// dependency entry, `direct_download=true` on the first attempt, a 302/307 to object
// storage followed without the token, the body streamed into a file. 401/403/404 are
// final; other failures are tried 3 times in all, 1 s apart.
#include <cstdint>
#include <ostream>
#include <string>

#include "artifacts/http_transfer.h"
#include "util/http_client.h"
#include "util/status.h"

namespace artifacts {

struct DownloadRequest {
  std::string server_url;  // CI_SERVER_URL
  int64_t job_id = 0;      // the dependency's id
  std::string token;       // never printed
  std::string out_path;    // the archive file to write
  bool direct_download = true;
  std::string ca_file;     // CA bundle trusted for the GitLab server ("" = the system's)
};

// OK when the archive is in out_path. PermissionDenied (401/403), NotFound (404),
// Unavailable (retries ran out), IOError (cannot write the file, e.g. disk full).
util::Status DownloadArtifacts(util::HttpTransport& http, const DownloadRequest& req, std::ostream& log,
                               const TransferOptions& opts = {});

}  // namespace artifacts
