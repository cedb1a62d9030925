#pragma once
// `spotrunner helper <verb>`: what runs on the job's side (on the instance, or in the
// docker executor's helper container) to move caches and artifacts, like
// gitlab-runner-helper. The manager presigns cache URLs and writes these calls into the
// stage scripts; the bytes then go straight between the job's machine and S3 or GitLab.
// Each verb works in the current directory (the project directory), prints job-log
// lines on stdout and exits 0 on success, 1 on failure.
//
//   cache-extractor --file F [--url GET] [--timeout MIN]
//   cache-archiver --file F [--path P]... [--untracked] [--url PUT [--header "K: V"]...]
//                  [--max-size BYTES] [--timeout MIN]
//   artifacts-uploader --id JOB [--url SERVER] [--path P]... [--exclude P]... [--untracked]
//                  [--artifact-format F] [--artifact-type T] [--expire-in D] [--name N]
//   artifacts-downloader --id JOB [--url SERVER]
//
// The job token is read from CI_JOB_TOKEN and the server URL from CI_SERVER_URL (the
// stage script exports both), so no secret is on a command line; CI_SERVER_TLS_CA_FILE
// (the runner's tls-ca-file) is trusted for GitLab. Compression follows
// CACHE_COMPRESSION_LEVEL, CACHE_COMPRESSION_FORMAT and ARTIFACT_COMPRESSION_LEVEL.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace cli {

struct CacheTransferOptions {
  std::string file;  // local archive
  std::string url;   // presigned URL ("" = local cache only)
  std::vector<std::string> headers;  // "Name: value", sent with the PUT
  std::vector<std::string> paths;
  bool untracked = false;
  int64_t max_size = 0;  // bytes; 0 = no limit
  int timeout_minutes = 10;
};

struct ArtifactsOptions {
  int64_t job_id = 0;
  std::string server_url;  // "" = $CI_SERVER_URL
  std::vector<std::string> paths;
  std::vector<std::string> exclude;
  bool untracked = false;
  std::string format = "zip";
  std::string type = "archive";
  std::string expire_in;
  std::string name;  // file name without extension; "" = "artifacts"
};

// The verbs, callable directly (tests). `dir` is the project directory. Return exit codes.
int RunCacheExtractor(const CacheTransferOptions& o, const std::string& dir, std::ostream& log);
int RunCacheArchiver(const CacheTransferOptions& o, const std::string& dir, std::ostream& log);
int RunArtifactsUploader(const ArtifactsOptions& o, const std::string& dir, std::ostream& log);
int RunArtifactsDownloader(const ArtifactsOptions& o, const std::string& dir, std::ostream& log);

void AddHelperCommand(CLI::App& app, int& exit_code);

}  // namespace cli
