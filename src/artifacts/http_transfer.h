#pragma once
// What the artifacts uploader/downloader (and the cache transfers) share: HTTP status
// texts for the job log, the retry pause as a seam, and a streaming download into a file.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "util/http_client.h"
#include "util/status.h"

namespace artifacts {

struct TransferOptions {
  // Whole-transfer deadline per attempt (CACHE_REQUEST_TIMEOUT for the cache). Default 1 h.
  std::chrono::milliseconds timeout{std::chrono::hours(1)};
  // Pause between attempts; tests replace it. Default: sleeps.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// "201 Created", "413 Request Entity Too Large", ... ("<code>" for unknown codes).
std::string StatusText(int status);

// Pauses through opts.sleep, or really sleeps when it is empty.
void Pause(const TransferOptions& opts, std::chrono::milliseconds d);

struct DownloadResult {
  int status = 0;             // 0 when the transport failed
  std::string error;          // transport error text, or the start of an error body
  std::string location;       // Location header of a redirect
  std::string last_modified;  // Last-Modified header ("" when absent)
  int64_t bytes = 0;          // body bytes written to the file on 200
};

// GETs `request` and streams a 200 body into `path` (created or replaced; removed again
// on any other outcome). The first 4 KiB of a non-200 body are kept in `error`, e.g. an
// S3 XML error. Never fails: the outcome is in the result.
DownloadResult DownloadToFile(util::HttpTransport& http, util::HttpRequest request, const std::string& path);

// PUTs the file at `path` to `url` (a presigned URL) with `headers`, streamed, with its
// Content-Length. Returns the HTTP status (0 on transport failure, with `error` set; the
// start of an error body in `error` otherwise).
struct PutResult {
  int status = 0;
  std::string error;
};
PutResult PutFile(util::HttpTransport& http, const std::string& url,
                  const std::vector<std::pair<std::string, std::string>>& headers, const std::string& path,
                  std::chrono::milliseconds timeout);

// The <Code> and <Message> of an S3 XML error body, "Code: Message"; "" when absent or
// malformed. Each part at most 300 bytes, control bytes replaced by spaces.
std::string S3ErrorSummary(const std::string& body);

}  // namespace artifacts
