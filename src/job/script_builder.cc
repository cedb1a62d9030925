#include "job/script_builder.h"

#include <cstdlib>

#include "job/shell_writer.h"

namespace job {
namespace {

// A git config subsection name in double quotes.
std::string GitConfigQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += " " + ShellQuote(w);
  return out;
}

// "scheme://host[:port]" of `url`, without credentials or path; "" when not a URL.
std::string UrlOrigin(std::string_view url) {
  std::string plain = StripUrlCredentials(url);
  size_t scheme = plain.find("://");
  if (scheme == std::string::npos) return "";
  size_t end = plain.find_first_of("/?#", scheme + 3);
  return plain.substr(0, end);
}

// `url` ("scheme://rest") with "gitlab-ci-token:<token>@" put before its host.
std::string WithJobToken(std::string_view url, std::string_view token) {
  std::string plain = StripUrlCredentials(url);
  size_t host = plain.find("://");
  if (host == std::string::npos) return plain;
  host += 3;
  return plain.substr(0, host) + "gitlab-ci-token:" + std::string(token) + "@" + plain.substr(host);
}

std::string TrimSlashes(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

std::string StripUrlCredentials(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t host = scheme + 3;
  size_t end = url.find_first_of("/?#", host);
  std::string_view authority = url.substr(host, end == std::string_view::npos ? url.npos : end - host);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, host)) + std::string(url.substr(host + at + 1));
}

ScriptBuilder::ScriptBuilder(const gitlab::JobPayload& job, const JobVariables& vars,
                             const config::RunnerConfig& runner, std::string shell)
    : job_(job), vars_(vars), runner_(runner), shell_(std::move(shell)) {}

std::string ScriptBuilder::ProjectDir() const { return vars_.GetOr("CI_PROJECT_DIR", ""); }

std::string ScriptBuilder::GitStrategy() const {
  std::string s = vars_.GetOr("GIT_STRATEGY", "");
  if (s == "clone" || s == "fetch" || s == "none" || s == "empty") return s;
  return job_.allow_git_fetch ? "fetch" : "clone";
}

std::string ScriptBuilder::CredentialsFile() const { return vars_.TempDir() + "/git-credentials.conf"; }

std::string ScriptBuilder::ServerUrl() const {
  std::string server = TrimSlashes(vars_.GetOr("CI_SERVER_URL", ""));
  return server.empty() ? UrlOrigin(job_.git_info.repo_url) : StripUrlCredentials(server);
}

std::string ScriptBuilder::CloneBase() const {
  // As gitlab-runner: clone_url counts only when it is an http(s) URL.
  std::string clone = TrimSlashes(runner_.clone_url);
  if (clone.rfind("http", 0) == 0) return StripUrlCredentials(clone);
  return ServerUrl();
}

std::string ScriptBuilder::RemoteUrl() const {
  if (TrimSlashes(runner_.clone_url).rfind("http", 0) != 0) return job_.git_info.repo_url;
  std::string project = vars_.GetOr("CI_PROJECT_PATH", "");
  if (project.empty()) return job_.git_info.repo_url;
  std::string url = CloneBase() + "/" + project + ".git";
  return job_.token.empty() ? url : WithJobToken(url, job_.token);
}

std::string ScriptBuilder::GitConfigFile() const {
  std::string conf;
  const std::string remote = RemoteUrl();
  const std::string plain = StripUrlCredentials(remote);
  const std::string base = CloneBase();
  const std::string server = ServerUrl();
  if (!job_.token.empty() && !base.empty()) {
    // Every repository on the GitLab host (submodules of the same instance) is fetched
    // with the job token, as gitlab-runner's insteadOf rules do; the server's own URL is
    // sent to clone_url when that is set.
    conf += "[url " + GitConfigQuote(WithJobToken(base, job_.token) + "/") + "]\n";
    conf += "\tinsteadOf = " + base + "/\n";
    if (server != base && !server.empty()) conf += "\tinsteadOf = " + server + "/\n";
    if (vars_.GetBool("GIT_SUBMODULE_FORCE_HTTPS", false)) {
      // The host alone: no port, no relative URL root ("https://host:8443/gitlab").
      std::string host = server.substr(server.find("://") + 3);
      std::string bare_host = host.substr(0, host.find_first_of(":/"));
      std::string ssh_host = vars_.GetOr("CI_SERVER_SHELL_SSH_HOST", "");
      if (ssh_host.empty()) ssh_host = bare_host;
      std::string ssh_port = vars_.GetOr("CI_SERVER_SHELL_SSH_PORT", "");
      if (ssh_port.empty() || ssh_port == "22") {
        conf += "\tinsteadOf = git@" + ssh_host + ":\n";
        conf += "\tinsteadOf = ssh://git@" + ssh_host + "/\n";
      } else {
        conf += "\tinsteadOf = ssh://git@" + ssh_host + ":" + ssh_port + "/\n";
      }
    }
  }
  if (plain != remote) {
    // The project itself, also when GitLab's repo URL is not under the server URL.
    conf += "[url " + GitConfigQuote(remote) + "]\n\tinsteadOf = " + plain + "\n";
  }
  if (!runner_.tls_ca_file.empty() && vars_.Get("CI_SERVER_TLS_CA_FILE")) {
    // The runner's CA for its GitLab host only: other hosts keep the system's CAs.
    std::vector<std::string> urls = {base};
    if (server != base) urls.push_back(server);
    for (const auto& url : urls) {
      if (url.empty()) continue;
      conf += "[http " + GitConfigQuote(url + "/") + "]\n\tsslCAInfo = " + vars_.FilePath("CI_SERVER_TLS_CA_FILE") +
              "\n";
    }
  }
  return conf;
}

void ScriptBuilder::WriteExports(ShellWriter& w, const JobVariables& vars) const {
  bool made_dir = false;
  for (const auto& v : vars.Resolved()) {
    if (!IsShellName(v.key)) continue;
    if (v.file) {
      if (!made_dir) {
        w.Line("(umask 077 && mkdir -p " + ShellQuote(vars.TempDir()) + ")");
        made_dir = true;
      }
      w.WriteFile(vars.FilePath(v.key), v.value);
      w.Export(v.key, vars.FilePath(v.key));
    } else {
      w.Export(v.key, v.value);
    }
  }
}

void ScriptBuilder::WriteHook(ShellWriter& w, std::string_view name) const {
  for (const auto& h : job_.hooks) {
    if (h.name != name) continue;
    for (size_t i = 0; i < h.script.size(); ++i) w.Command(h.script[i], CommandSection(name, i));
  }
}

void ScriptBuilder::WriteGitFetch(ShellWriter& w, const std::string& dir) const {
  const auto& git = job_.git_info;
  if (git.depth > 0) {
    w.Notice("Fetching changes with git depth set to " + std::to_string(git.depth) + "...");
  } else {
    w.Notice("Fetching changes...");
  }
  // Leftovers of an interrupted git run would block this one; so would the post-checkout
  // hook `git lfs` installs, where a later image has no git-lfs (gitlab-runner removes both).
  for (const char* lock : {"index.lock", "shallow.lock", "HEAD.lock", "hooks/post-checkout", "config.lock"}) {
    w.Line("rm -f " + ShellQuote(dir + "/.git/" + lock));
  }
  std::string init = "git -c init.defaultBranch=main init " + ShellQuote(dir);
  if (!git.repo_object_format.empty() && git.repo_object_format != "sha1") {
    init += " --object-format=" + ShellQuote(git.repo_object_format);
  }
  w.Line(init);
  w.Cd(dir);
  const std::string plain_url = StripUrlCredentials(RemoteUrl());
  w.Line("if git remote add origin " + ShellQuote(plain_url) + " >/dev/null 2>&1; then");
  w.Notice("Created fresh repository.");
  w.Line("else");
  w.Line("git remote set-url origin " + ShellQuote(plain_url));
  w.Line("fi");

  std::string git_cmd = GitCommand();
  const std::string conf = GitConfigFile();
  if (!conf.empty()) {
    const std::string cred = CredentialsFile();
    w.Line("(umask 077 && mkdir -p " + ShellQuote(vars_.TempDir()) + ")");
    w.WriteFile(cred, conf);
    w.Line("sr_forget_credentials() { rm -f " + ShellQuote(cred) + "; }");
    w.Line("trap sr_forget_credentials EXIT");
  }
  // As gitlab-runner: no LFS content during fetch and checkout (smudging every file one by
  // one exhausts memory on large repositories); `git lfs pull` fetches it in one go after.
  if (!LfsSmudgeDisabled()) w.Export("GIT_LFS_SKIP_SMUDGE", "1");
  std::vector<std::string> refspecs = git.refspecs;
  if (refspecs.empty()) refspecs = {"+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"};
  std::string fetch = git_cmd + " fetch origin --no-recurse-submodules" + Join(refspecs);
  std::string flags = Join(SplitWords(vars_.GetOr("GIT_FETCH_EXTRA_FLAGS", "--prune --quiet")));
  if (git.depth > 0) {
    w.Line(fetch + " --depth " + std::to_string(git.depth) + flags);
  } else {
    w.Line("if [ -f .git/shallow ]; then");
    w.Line(fetch + " --unshallow" + flags);
    w.Line("else");
    w.Line(fetch + flags);
    w.Line("fi");
  }
  WriteCheckout(w);
  if (!conf.empty()) w.Line("sr_forget_credentials");
}

void ScriptBuilder::WriteCheckout(ShellWriter& w) const {
  const auto& git = job_.git_info;
  if (!vars_.GetBool("GIT_CHECKOUT", true)) {
    w.Notice("Skipping Git checkout");
  } else {
    w.Notice("Checking out " + git.sha.substr(0, 8) + " as detached HEAD (ref is " + git.ref + ")...");
    w.Line("git checkout -f -q " + ShellQuote(git.sha));
    std::string clean = vars_.GetOr("GIT_CLEAN_FLAGS", "-ffdx");
    if (clean != "none") w.Line("git clean" + Join(SplitWords(clean)));
    // The LFS files of the checked-out commit, with the job token (same host). Without
    // git-lfs the pointers stay, and a repository without LFS is not touched either way.
    if (!LfsSmudgeDisabled()) {
      w.Line("if git lfs version >/dev/null 2>&1; then");
      w.Line(GitCommand() + " lfs pull");
      w.Line("fi");
    }
  }
  std::string sub = vars_.GetOr("GIT_SUBMODULE_STRATEGY", "none");
  if (sub == "normal" || sub == "recursive") {
    WriteSubmodules(w, sub == "recursive");
  } else if (sub == "none" || sub.empty()) {
    w.Notice("Skipping Git submodules setup");
  } else {
    // As gitlab-runner: a typo fails the job rather than silently skipping submodules.
    w.Line("printf '%s\\n' " + ShellQuote("ERROR: unknown GIT_SUBMODULE_STRATEGY \"" + sub +
                                           "\" (none, normal or recursive)") + " >&2");
    w.Line("exit 1");
  }
}

void ScriptBuilder::WriteSubmodules(ShellWriter& w, bool recursive) const {
  const std::string rec = recursive ? " --recursive" : "";
  const std::string git_cmd = GitCommand();
  int depth = job_.git_info.depth;
  if (auto d = vars_.Get("GIT_SUBMODULE_DEPTH"); d && !d->empty()) depth = std::atoi(d->c_str());
  std::string notice = recursive ? "Updating/initializing submodules recursively" : "Updating/initializing submodules";
  if (depth > 0) notice += " with git depth set to " + std::to_string(depth);
  w.Notice(notice + "...");
  // GIT_SUBMODULE_PATHS are pathspecs (":(exclude)lib" too) limiting every command.
  std::string paths;
  if (auto p = SplitWords(vars_.GetOr("GIT_SUBMODULE_PATHS", "")); !p.empty()) paths = " --" + Join(p);
  w.Line(git_cmd + " submodule init" + paths);
  w.Line(git_cmd + " submodule sync" + rec + paths);
  std::string update = git_cmd + " submodule update --init" + rec;
  if (depth > 0) update += " --depth " + std::to_string(depth);
  update += Join(SplitWords(vars_.GetOr("GIT_SUBMODULE_UPDATE_FLAGS", "")));
  w.Line(update + paths);
  // A reused checkout keeps no stray files in its submodules either.
  std::string foreach = git_cmd + " submodule foreach" + rec;
  std::string clean = vars_.GetOr("GIT_CLEAN_FLAGS", "-ffdx");
  if (clean != "none") w.Line(foreach + " " + ShellQuote("git clean" + Join(SplitWords(clean))));
  w.Line(foreach + " " + ShellQuote("git reset --hard -q"));
  if (!LfsSmudgeDisabled()) {
    w.Line("if git lfs version >/dev/null 2>&1; then");
    w.Notice("Pulling LFS files...");
    w.Line(foreach + " " + ShellQuote("git lfs pull"));
    w.Line("fi");
  }
}

bool ScriptBuilder::LfsSmudgeDisabled() const { return vars_.GetBool("GIT_LFS_SKIP_SMUDGE", false); }

std::string ScriptBuilder::GitCommand() const {
  if (GitConfigFile().empty()) return "git";
  return "git -c include.path=" + ShellQuote(CredentialsFile());
}

bool ScriptBuilder::GetSourcesNeedsGit() const {
  std::string strategy = GitStrategy();
  if (strategy != "none" && strategy != "empty") return true;
  if (!runner_.pre_get_sources_script.empty() || !runner_.post_get_sources_script.empty()) return true;
  for (const auto& h : job_.hooks) {
    if (h.name == "pre_get_sources_script" || h.name == "post_get_sources_script") return true;
  }
  return false;
}

bool ScriptBuilder::DebugTrace() const {
  return !runner_.debug_trace_disabled && vars_.GetBool("CI_DEBUG_TRACE", false);
}

std::string ScriptBuilder::CommandSection(std::string_view prefix, size_t index) const {
  if (!job_.features.trace_sections || !vars_.GetBool("FF_SCRIPT_SECTIONS", false)) return "";
  return std::string(prefix) + "_" + std::to_string(index);
}

bool ScriptBuilder::UmaskZero() const {
  return runner_.executor.rfind("docker", 0) == 0 && !vars_.GetBool("FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", false);
}

ShellWriter ScriptBuilder::Writer(bool helper_stage) const {
  ShellWriter w(shell_, DebugTrace());
  // gitlab-runner's docker default, in the helper's stages only (its gitlab-runner-build
  // sets it): what the root helper writes stays writable for a job image that runs as
  // another user; the job's own scripts keep the image's umask.
  if (helper_stage && UmaskZero()) w.Line("umask 0000");
  return w;
}

std::string ScriptBuilder::GetSources() const {
  ShellWriter w = Writer(true);
  WriteExports(w, vars_);
  w.Export("GIT_TERMINAL_PROMPT", "0");
  w.Export("GCM_INTERACTIVE", "Never");
  const std::string dir = ProjectDir();
  std::string parent = dir.substr(0, dir.find_last_of('/'));
  if (parent.empty()) parent = "/";
  w.MkdirP(parent);
  w.Cd(parent);
  if (!runner_.pre_get_sources_script.empty())
    w.Command(runner_.pre_get_sources_script, CommandSection("pre_get_sources_script", 0));
  WriteHook(w, "pre_get_sources_script");
  const std::string strategy = GitStrategy();
  if (strategy == "none") {
    w.Notice("Skipping Git repository setup");
    w.MkdirP(dir);
  } else if (strategy == "empty") {
    w.Notice("Skipping Git repository setup and creating an empty build directory");
    w.RmRf(dir);
    w.MkdirP(dir);
  } else {
    if (strategy == "clone") w.RmRf(dir);
    WriteGitFetch(w, dir);
  }
  w.Cd(dir);
  WriteHook(w, "post_get_sources_script");
  if (!runner_.post_get_sources_script.empty())
    w.Command(runner_.post_get_sources_script, CommandSection("post_get_sources_script", 0));
  return w.str();
}

std::string ScriptBuilder::Step(const gitlab::Step& step) const {
  ShellWriter w = Writer(false);
  WriteExports(w, vars_);
  w.Cd(ProjectDir());
  if (!runner_.pre_build_script.empty()) w.Command(runner_.pre_build_script, CommandSection("pre_build_script", 0));
  for (size_t i = 0; i < step.script.size(); ++i) w.Command(step.script[i], CommandSection("script_step", i));
  if (!runner_.post_build_script.empty()) w.Command(runner_.post_build_script, CommandSection("post_build_script", 0));
  return w.str();
}

std::string ScriptBuilder::AfterScript(const gitlab::Step& step, std::string_view job_status) const {
  JobVariables vars = vars_;
  vars.Set("CI_JOB_STATUS", std::string(job_status));
  ShellWriter w = Writer(false);
  WriteExports(w, vars);
  w.Cd(ProjectDir());
  for (size_t i = 0; i < step.script.size(); ++i) w.Command(step.script[i], CommandSection("after_script_step", i));
  return w.str();
}

std::string ScriptBuilder::Transfer(const std::function<void(ShellWriter&)>& body) const {
  ShellWriter w = Writer(true);
  WriteExports(w, vars_);
  w.Cd(ProjectDir());
  body(w);
  return w.str();
}

std::string ScriptBuilder::CleanupFileVariables() const {
  ShellWriter w(shell_, DebugTrace());
  for (const auto& v : vars_.Resolved()) {
    if (v.file) w.Line("rm -f " + ShellQuote(vars_.FilePath(v.key)));
  }
  w.Line("rm -f " + ShellQuote(CredentialsFile()));
  // Everything else the job left there (its temp files) goes too, on every end of the job.
  w.Line("rm -rf " + ShellQuote(vars_.TempDir()));
  return w.str();
}

}  // namespace job
