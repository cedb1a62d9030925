#include "cli/helper_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "archive/extractor.h"
#include "archive/file_set.h"
#include "archive/writer.h"
#include "artifacts/downloader.h"
#include "artifacts/http_transfer.h"
#include "artifacts/uploader.h"
#include "cache/local_archive.h"
#include "cli/common.h"
#include "util/core_dumps.h"

namespace cli {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// A URL without its query (never print a presigned URL's signature).
std::string Printable(const std::string& url) { return url.substr(0, url.find('?')); }

std::string BaseName(const std::string& p) { return std::filesystem::path(p).filename().string(); }

bool MakeParent(const std::string& file, std::ostream& log) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
  if (ec) log << "WARNING: cannot create the directory of " << file << ": " << ec.message() << "\n";
  return !ec;
}

// The selected files of `dir`, with gitlab-runner's log lines about them.
util::Result<std::vector<std::string>> Select(const std::string& dir, const archives::FileSelection& sel,
                                              std::ostream& log) {
  auto files = archives::SelectFiles(dir, sel);
  if (!files.ok()) return files.status();
  for (const auto& w : files->warnings) log << "WARNING: " << w << "\n";
  for (const auto& p : sel.paths) {
    int n = 0;
    auto clean = p;
    while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
    for (const auto& f : files->files) {
      if (f == clean || f.rfind(clean + "/", 0) == 0) ++n;
    }
    if (n > 0) log << p << ": found " << n << " matching artifact files and directories\n";
  }
  if (sel.untracked) log << "untracked: found " << files->files.size() << " files and directories in all\n";
  return std::move(files->files);
}

// Writes `files` of `dir` to `out` through a temporary file beside it; the archive size.
util::Result<int64_t> Write(const std::string& dir, const std::vector<std::string>& files, archives::Format format,
                            archives::Level level, const std::string& out) {
  std::string tmp = out + ".tmp" + std::to_string(getpid());
  auto stats = archives::WriteArchive(dir, files, format, level, tmp);
  if (!stats.ok()) return stats.status();
  if (std::rename(tmp.c_str(), out.c_str()) != 0) {
    unlink(tmp.c_str());
    return util::Status::IOError("cannot move the archive to \"" + out + "\"");
  }
  return stats->output_bytes;
}

// Writes the selected files of `dir` to `out` (through a temporary file).
util::Result<int64_t> Archive(const std::string& dir, const archives::FileSelection& sel, archives::Format format,
                              archives::Level level, const std::string& out, std::ostream& log, bool* empty) {
  auto files = Select(dir, sel, log);
  if (!files.ok()) return files.status();
  *empty = files->empty();
  if (*empty) return int64_t{0};
  return Write(dir, *files, format, level, out);
}

artifacts::TransferOptions Transfer(int minutes) {
  artifacts::TransferOptions t;
  t.timeout = std::chrono::minutes(minutes > 0 ? minutes : 10);
  return t;
}

}  // namespace

int RunCacheExtractor(const CacheTransferOptions& o, const std::string& dir, std::ostream& log) {
  if (o.file.empty()) {
    log << "WARNING: cache-extractor: --file is missing\n";
    return kExitFailure;
  }
  if (!o.url.empty()) {
    if (!MakeParent(o.file, log)) return kExitFailure;
    log << "Downloading " << BaseName(o.file) << " from " << Printable(o.url) << "\n";
    util::HttpClient http;
    util::HttpRequest r;
    r.url = o.url;
    r.timeout = Transfer(o.timeout_minutes).timeout;
    std::string tmp = o.file + ".download" + std::to_string(getpid());
    artifacts::DownloadResult d = artifacts::DownloadToFile(http, r, tmp);
    if (d.status != 200) {
      std::string why = d.status == 0 ? d.error : artifacts::StatusText(d.status);
      std::string s3 = artifacts::S3ErrorSummary(d.error);
      if (!s3.empty()) {
        why += " (" + s3 + ")";
      } else if (d.status == 404) {
        why += ": no cache for this key yet";
      }
      log << "WARNING: Failed to download the cache: " << why << "\n";
      return kExitFailure;
    }
    if (std::rename(tmp.c_str(), o.file.c_str()) != 0) {
      unlink(tmp.c_str());
      log << "WARNING: Failed to store the cache in " << o.file << "\n";
      return kExitFailure;
    }
    // The object's time, so that an unchanged restore is not uploaded again (local_archive.h).
    if (auto lm = cache::ParseHttpDate(d.last_modified)) {
      if (util::Status s = cache::SetModificationTime(o.file, *lm); !s.ok()) log << "WARNING: " << s.message() << "\n";
    }
  } else {
    log << "No URL provided, cache will not be downloaded from shared cache server. Instead a local version of "
           "cache will be extracted.\n";
  }
  auto x = archives::ExtractArchive(o.file, dir);
  if (!x.ok()) {
    log << "WARNING: Failed to extract cache: " << x.status().message() << "\n";
    return kExitFailure;
  }
  log << "Successfully extracted cache\n";
  return kExitOk;
}

int RunCacheArchiver(const CacheTransferOptions& o, const std::string& dir, std::ostream& log) {
  if (o.file.empty()) {
    log << "WARNING: cache-archiver: --file is missing\n";
    return kExitFailure;
  }
  if (o.paths.empty() && !o.untracked) {
    log << "WARNING: No paths to archive.\n";
    return kExitFailure;
  }
  std::string warning;
  archives::Format format = cache::CacheFormat(Env("CACHE_COMPRESSION_FORMAT"), &warning);
  if (!warning.empty()) log << "WARNING: " << warning << "\n";
  archives::Level level = cache::CacheLevel(Env("CACHE_COMPRESSION_LEVEL"), &warning);
  if (!warning.empty()) log << "WARNING: " << warning << "\n";
  archives::FileSelection sel;
  sel.paths = o.paths;
  sel.untracked = o.untracked;
  auto files = Select(dir, sel, log);
  if (!files.ok()) {
    log << "WARNING: Failed to create cache: " << files.status().message() << "\n";
    return kExitFailure;
  }
  if (files->empty()) {
    log << "WARNING: No files to archive: the cache is not created\n";
    return kExitFailure;
  }
  auto up_to_date = cache::ArchiveUpToDate(dir, *files, o.file);
  if (!up_to_date.ok()) log << "WARNING: " << up_to_date.status().message() << "\n";
  if (up_to_date.ok() && *up_to_date) {
    log << "Archive is up to date! No cached file changed since " << BaseName(o.file)
        << " was made or restored: not archiving or uploading it again\n";
    return kExitOk;
  }
  if (!MakeParent(o.file, log)) return kExitFailure;
  auto size = Write(dir, *files, format, level, o.file);
  if (!size.ok()) {
    log << "WARNING: Failed to create cache: " << size.status().message() << "\n";
    return kExitFailure;
  }
  if (!o.url.empty()) {
    if (o.max_size > 0 && *size > o.max_size) {
      log << "WARNING: Cache archive is " << *size << " bytes, over MaxUploadedArchiveSize " << o.max_size
          << "; not uploading it\n";
      return kExitFailure;
    }
    log << "Uploading " << BaseName(o.file) << " to " << Printable(o.url) << "\n";
    std::vector<std::pair<std::string, std::string>> headers;
    for (const auto& h : o.headers) {
      size_t c = h.find(':');
      if (c == std::string::npos) continue;
      size_t v = h.find_first_not_of(' ', c + 1);
      headers.emplace_back(h.substr(0, c), v == std::string::npos ? "" : h.substr(v));
    }
    util::HttpClient http;
    artifacts::PutResult put = artifacts::PutFile(http, o.url, headers, o.file, Transfer(o.timeout_minutes).timeout);
    if (put.status / 100 != 2) {
      std::string why = put.status == 0 ? put.error : artifacts::StatusText(put.status);
      if (std::string s3 = artifacts::S3ErrorSummary(put.error); !s3.empty()) why += " (" + s3 + ")";
      log << "WARNING: Failed to upload the cache: " << why << "\n";
      return kExitFailure;
    }
  }
  log << "Created cache\n";
  return kExitOk;
}

int RunArtifactsUploader(const ArtifactsOptions& o, const std::string& dir, std::ostream& log) {
  auto format = archives::ParseFormat(o.format);
  if (!format.ok()) {
    log << "ERROR: " << format.status().message() << "\n";
    return kExitFailure;
  }
  archives::FileSelection sel;
  sel.paths = o.paths;
  sel.exclude = o.exclude;
  sel.untracked = o.untracked;
  std::string name = o.name.empty() ? "artifacts" : BaseName(o.name);
  if (name.empty() || name == "." || name == "..") name = "default";
  name += std::string(archives::FormatExtension(*format));
  char tmpl[] = "/tmp/spotrunner-artifacts-XXXXXX";
  if (!mkdtemp(tmpl)) {
    log << "ERROR: cannot create a temporary directory for the archive\n";
    return kExitFailure;
  }
  std::string tmpdir = tmpl;
  std::string file = tmpdir + "/" + name;
  bool empty = false;
  auto size = Archive(dir, sel, *format, archives::ParseLevel(Env("ARTIFACT_COMPRESSION_LEVEL")), file, log, &empty);
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove_all(tmpdir, ec);
  };
  if (!size.ok()) {
    log << "ERROR: Failed to create the artifacts archive: " << size.status().message() << "\n";
    cleanup();
    return kExitFailure;
  }
  if (empty) {
    log << "ERROR: No files to upload\n";
    cleanup();
    return kExitOk;
  }
  artifacts::UploadRequest req;
  req.server_url = o.server_url.empty() ? Env("CI_SERVER_URL") : o.server_url;
  req.job_id = o.job_id;
  req.token = Env("CI_JOB_TOKEN");
  req.ca_file = Env("CI_SERVER_TLS_CA_FILE");  // tls-ca-file of the runner, as a file variable
  req.archive_path = file;
  req.file_name = name;
  req.artifact_format = o.format;
  req.artifact_type = o.type;
  req.expire_in = o.expire_in;
  util::HttpClient http;
  util::Status s = artifacts::UploadArtifact(http, req, log);
  cleanup();
  return s.ok() ? kExitOk : kExitFailure;
}

int RunArtifactsDownloader(const ArtifactsOptions& o, const std::string& dir, std::ostream& log) {
  char tmpl[] = "/tmp/spotrunner-deps-XXXXXX";
  if (!mkdtemp(tmpl)) {
    log << "ERROR: cannot create a temporary directory for the download\n";
    return kExitFailure;
  }
  std::string tmpdir = tmpl;
  artifacts::DownloadRequest req;
  req.server_url = o.server_url.empty() ? Env("CI_SERVER_URL") : o.server_url;
  req.job_id = o.job_id;
  req.token = Env("CI_JOB_TOKEN");
  req.ca_file = Env("CI_SERVER_TLS_CA_FILE");
  req.out_path = tmpdir + "/artifacts.download";
  util::HttpClient http;
  util::Status s = artifacts::DownloadArtifacts(http, req, log);
  int rc = kExitOk;
  if (s.ok()) {
    auto x = archives::ExtractArchive(req.out_path, dir);
    if (!x.ok()) {
      log << "ERROR: Extracting the artifacts of job " << o.job_id << " failed: " << x.status().message() << "\n";
      rc = kExitFailure;
    }
  } else {
    rc = kExitFailure;
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpdir, ec);
  return rc;
}

void AddHelperCommand(CLI::App& app, int& exit_code) {
  CLI::App* h = app.add_subcommand("helper", "Job-side cache and artifacts transfers (run by stage scripts)");
  h->require_subcommand(1);
  auto cache = std::make_shared<CacheTransferOptions>();
  auto art = std::make_shared<ArtifactsOptions>();
  auto add_cache = [&](const char* name, const char* help, bool archiver) {
    CLI::App* c = h->add_subcommand(name, help);
    c->add_option("--file", cache->file, "Local archive file")->required();
    c->add_option("--url", cache->url, "Presigned URL of the shared cache object");
    c->add_option("--timeout", cache->timeout_minutes, "Transfer timeout in minutes");
    if (archiver) {
      c->add_option("--path", cache->paths, "Glob of files to cache; repeatable");
      c->add_flag("--untracked", cache->untracked, "Add untracked files");
      c->add_option("--header", cache->headers, "Header to send with the upload (\"Name: value\"); repeatable");
      c->add_option("--max-size", cache->max_size, "Largest archive to upload, in bytes (0 = no limit)");
    }
    c->callback([cache, archiver, &exit_code] {
      std::string dir = std::filesystem::current_path().string();
      exit_code = archiver ? RunCacheArchiver(*cache, dir, std::cout) : RunCacheExtractor(*cache, dir, std::cout);
      std::cout.flush();
    });
  };
  CLI::App* status = h->add_subcommand("process-status", "Print whether this process may dump core (for tests)");
  status->callback([&exit_code] {
    std::cout << util::CoreDumpStatus() << std::endl;
    exit_code = 0;
  });
  add_cache("cache-extractor", "Download (when --url) and extract a cache archive", false);
  add_cache("cache-archiver", "Archive files into the cache (and upload with --url)", true);
  auto add_artifacts = [&](const char* name, const char* help, bool uploader) {
    CLI::App* c = h->add_subcommand(name, help);
    c->add_option("--id", art->job_id, "Job id")->required();
    c->add_option("--url", art->server_url, "GitLab URL (default $CI_SERVER_URL)");
    if (uploader) {
      c->add_option("--path", art->paths, "Glob of files to upload; repeatable");
      c->add_option("--exclude", art->exclude, "Glob of files to leave out; repeatable");
      c->add_flag("--untracked", art->untracked, "Add untracked files");
      c->add_option("--artifact-format", art->format, "zip, gzip or raw");
      c->add_option("--artifact-type", art->type, "archive or a report type");
      c->add_option("--expire-in", art->expire_in, "Expiry as GitLab reads it");
      c->add_option("--name", art->name, "Archive name without extension");
    }
    c->callback([art, uploader, &exit_code] {
      std::string dir = std::filesystem::current_path().string();
      exit_code = uploader ? RunArtifactsUploader(*art, dir, std::cout) : RunArtifactsDownloader(*art, dir, std::cout);
      std::cout.flush();
    });
  };
  add_artifacts("artifacts-uploader", "Archive and upload job artifacts to GitLab", true);
  add_artifacts("artifacts-downloader", "Download and extract a job's artifacts from GitLab", false);
}

}  // namespace cli
