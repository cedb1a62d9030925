#include "coordinator/git_mirror.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "coordinator/subprocess.h"

namespace coordinator {
namespace {

util::Result<std::string> Git(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = RunProcess(argv, {"GIT_TERMINAL_PROMPT=0", "LC_ALL=C"});
  if (!r.ok()) return r.status();
  if (r->exit_code != 0) {
    std::string cmd;
    for (const auto& a : argv) cmd += (cmd.empty() ? "" : " ") + a;
    return util::Status::IOError(cmd + ": " + r->err);
  }
  std::string out = r->out;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string LocalPath(const std::string& source) {
  if (source.rfind("file://", 0) == 0) return source.substr(7);
  return source;
}

}  // namespace

GitMirrors::GitMirrors(std::filesystem::path work_dir) : root_(std::move(work_dir)) {
  if (root_.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sr-coordinator-git-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) {
      root_ = tmpl;
      owned_ = true;
    }
  }
}

GitMirrors::~GitMirrors() {
  if (owned_) {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
}

std::filesystem::path GitMirrors::MirrorPath(const std::string& project_path) const {
  return root_ / (project_path + ".git");
}

bool GitMirrors::Has(const std::string& project_path) const {
  std::lock_guard<std::mutex> l(mu_);
  return sources_.count(project_path) > 0;
}

std::optional<std::filesystem::path> GitMirrors::LfsObject(const std::string& project_path,
                                                          const std::string& oid) const {
  if (oid.size() != 64 || oid.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  std::filesystem::path git_dir;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = sources_.find(project_path);
    if (it == sources_.end()) return std::nullopt;
    git_dir = it->second;
  }
  std::filesystem::path file = git_dir / "lfs" / "objects" / oid.substr(0, 2) / oid.substr(2, 2) / oid;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

util::Result<std::string> GitMirrors::Prepare(const std::string& project_path, const std::string& source,
                                              const std::string& ref, const std::string& ref_type,
                                              const std::string& sha, int64_t pipeline_id) {
  if (root_.empty()) return util::Status::IOError("git mirrors: no work directory");
  const std::string src = LocalPath(source);
  auto git_dir = Git({"-C", src, "rev-parse", "--absolute-git-dir"});
  if (!git_dir.ok()) return util::Status::InvalidArgument("git.repo_url " + source + " is not a git repository");
  std::lock_guard<std::mutex> l(mu_);  // one git operation on the mirrors at a time
  const std::filesystem::path mirror = MirrorPath(project_path);
  std::error_code ec;
  if (!std::filesystem::exists(mirror / "HEAD")) {
    std::filesystem::create_directories(mirror.parent_path(), ec);
    SR_RETURN_IF_ERROR(Git({"init", "-q", "--bare", mirror.string()}).status());
  }
  {
    std::ofstream alt(mirror / "objects" / "info" / "alternates", std::ios::trunc);
    alt << (std::filesystem::path(*git_dir) / "objects").string() << "\n";
    if (!alt) return util::Status::IOError("cannot write alternates of " + mirror.string());
  }
  SR_RETURN_IF_ERROR(Git({"-C", mirror.string(), "fetch", "-q", "--no-tags", "--prune", *git_dir,
                          "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"})
                         .status());
  std::string want = sha;
  if (want.empty()) {
    const std::string qualified = ref.rfind("refs/", 0) == 0 ? ref
                                  : ref_type == "tag"         ? "refs/tags/" + ref
                                                              : "refs/heads/" + ref;
    auto resolved = Git({"-C", *git_dir, "rev-parse", "--verify", "-q", qualified + "^{commit}"});
    if (!resolved.ok()) return util::Status::InvalidArgument("git.ref " + ref + " not found in " + source);
    want = *resolved;
  } else {
    auto resolved = Git({"-C", *git_dir, "rev-parse", "--verify", "-q", sha + "^{commit}"});
    if (!resolved.ok()) return util::Status::InvalidArgument("git.sha " + sha + " not found in " + source);
    want = *resolved;
  }
  SR_RETURN_IF_ERROR(
      Git({"-C", mirror.string(), "update-ref", "refs/pipelines/" + std::to_string(pipeline_id), want}).status());
  sources_[project_path] = *git_dir;
  return want;
}

util::Result<GitHttpAnswer> GitMirrors::Serve(const std::string& method, const std::string& path_info,
                                              const std::string& query, const std::string& content_type,
                                              const std::string& git_protocol, const std::string& body) {
  std::vector<std::string> env = {
      "GIT_PROJECT_ROOT=" + root_.string(), "GIT_HTTP_EXPORT_ALL=1", "PATH_INFO=" + path_info,
      "REQUEST_METHOD=" + method,           "QUERY_STRING=" + query,  "CONTENT_TYPE=" + content_type,
      "CONTENT_LENGTH=" + std::to_string(body.size()), "REMOTE_USER=gitlab-ci-token", "REMOTE_ADDR=127.0.0.1"};
  if (!git_protocol.empty()) env.push_back("GIT_PROTOCOL=" + git_protocol);
  auto r = RunProcess({"git", "http-backend"}, env, body);
  if (!r.ok()) return r.status();
  // CGI output: headers, blank line, body.
  GitHttpAnswer a;
  size_t sep = r->out.find("\r\n\r\n");
  size_t skip = 4;
  if (sep == std::string::npos) {
    sep = r->out.find("\n\n");
    skip = 2;
  }
  if (sep == std::string::npos) return util::Status::IOError("git http-backend: no CGI headers; " + r->err);
  std::istringstream hs(r->out.substr(0, sep));
  std::string line;
  while (std::getline(hs, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon), value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (name == "Status") a.status = std::atoi(value.c_str());
    else a.headers.emplace_back(name, value);
  }
  a.body = r->out.substr(sep + skip);
  return a;
}

}  // namespace coordinator
