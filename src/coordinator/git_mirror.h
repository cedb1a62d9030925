#pragma once
// GitMirrors: bare mirrors of local repositories that the coordinator serves over git
// smart HTTP (git http-backend), so a runner clones with gitlab-ci-token:<job token>
// exactly as from GitLab, including the pipeline's persistent ref refs/pipelines/<id>.
// The source repository is never written to: the mirror borrows its objects through
// objects/info/alternates and copies its branches and tags. Only committed work is seen.
// Git LFS objects are read from the source repository's own LFS store, where `git lfs`
// keeps the content of a tracked file once it is added (<git dir>/lfs/objects/..).
// Thread-safe.
#include <filesystem>
#include <map>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

#include "util/status.h"

namespace coordinator {

struct GitHttpAnswer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

class GitMirrors {
 public:
  // `work_dir` "" = a fresh directory under the system temp dir, removed on destruction.
  explicit GitMirrors(std::filesystem::path work_dir);
  ~GitMirrors();
  GitMirrors(const GitMirrors&) = delete;
  GitMirrors& operator=(const GitMirrors&) = delete;

  // Creates or refreshes the mirror of `source` (a path or file:// URL) for
  // `project_path`, resolves `sha` ("" = the commit of `ref`) and points
  // refs/pipelines/<pipeline_id> at it. Returns the full sha.
  // On failure: InvalidArgument (not a repository, unknown ref), IOError (git failed).
  util::Result<std::string> Prepare(const std::string& project_path, const std::string& source,
                                    const std::string& ref, const std::string& ref_type, const std::string& sha,
                                    int64_t pipeline_id);
  bool Has(const std::string& project_path) const;

  // The file holding LFS object `oid` (sha256, 64 lowercase hex digits) of
  // `project_path`: <source git dir>/lfs/objects/<oid[0:2]>/<oid[2:4]>/<oid>. nullopt
  // when the project has no mirror, `oid` is malformed or the store lacks the object.
  std::optional<std::filesystem::path> LfsObject(const std::string& project_path, const std::string& oid) const;

  // Runs git http-backend for `path_info` ("/<project_path>.git/info/refs", ...).
  // NotFound when the project has no mirror.
  util::Result<GitHttpAnswer> Serve(const std::string& method, const std::string& path_info,
                                    const std::string& query, const std::string& content_type,
                                    const std::string& git_protocol, const std::string& body);

 private:
  std::filesystem::path MirrorPath(const std::string& project_path) const;

  std::filesystem::path root_;
  bool owned_ = false;
  mutable std::mutex mu_;
  std::map<std::string, std::string> sources_;  // project_path → source git dir
};

}  // namespace coordinator
