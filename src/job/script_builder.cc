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
    for (const auto& line : h.script) w.Command(line);
  }
}

void ScriptBuilder::WriteGitFetch(ShellWriter& w, const std::string& dir) const {
  const auto& git = job_.git_info;
  if (git.depth > 0) {
    w.Notice("Fetching changes with git depth set to " + std::to_string(git.depth) + "...");
  } else {
    w.Notice("Fetching changes...");
  }
  // Leftovers of an interrupted git run would block this one.
  for (const char* lock : {"index.lock", "shallow.lock", "HEAD.lock", "config.lock"}) {
    w.Line("rm -f " + ShellQuote(dir + "/.git/" + lock));
  }
  std::string init = "git -c init.defaultBranch=main init " + ShellQuote(dir);
  if (!git.repo_object_format.empty() && git.repo_object_format != "sha1") {
    init += " --object-format=" + ShellQuote(git.repo_object_format);
  }
  w.Line(init);
  w.Cd(dir);
  const std::string plain_url = StripUrlCredentials(git.repo_url);
  w.Line("if git remote add origin " + ShellQuote(plain_url) + " >/dev/null 2>&1; then");
  w.Notice("Created fresh repository.");
  w.Line("else");
  w.Line("git remote set-url origin " + ShellQuote(plain_url));
  w.Line("fi");

  std::string git_cmd = "git";
  if (plain_url != git.repo_url) {
    const std::string cred = CredentialsFile();
    w.Line("(umask 077 && mkdir -p " + ShellQuote(vars_.TempDir()) + ")");
    w.WriteFile(cred, "[url " + GitConfigQuote(git.repo_url) + "]\n\tinsteadOf = " + plain_url + "\n");
    w.Line("sr_forget_credentials() { rm -f " + ShellQuote(cred) + "; }");
    w.Line("trap sr_forget_credentials EXIT");
    git_cmd += " -c include.path=" + ShellQuote(cred);
  }
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
  if (plain_url != git.repo_url) w.Line("sr_forget_credentials");
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
  }
  std::string sub = vars_.GetOr("GIT_SUBMODULE_STRATEGY", "none");
  if (sub == "normal" || sub == "recursive") {
    std::string rec = sub == "recursive" ? " --recursive" : "";
    std::string git_cmd = "git";
    if (StripUrlCredentials(git.repo_url) != git.repo_url) {
      git_cmd += " -c include.path=" + ShellQuote(CredentialsFile());
    }
    w.Notice(sub == "recursive" ? "Updating/initializing submodules recursively..." : "Updating/initializing submodules...");
    w.Line(git_cmd + " submodule sync" + rec);
    std::string update = git_cmd + " submodule update --init" + rec;
    int depth = git.depth;
    if (auto d = vars_.Get("GIT_SUBMODULE_DEPTH"); d && !d->empty()) depth = std::atoi(d->c_str());
    if (depth > 0) update += " --depth " + std::to_string(depth);
    update += Join(SplitWords(vars_.GetOr("GIT_SUBMODULE_UPDATE_FLAGS", "")));
    w.Line(update);
  } else {
    w.Notice("Skipping Git submodules setup");
  }
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

std::string ScriptBuilder::GetSources() const {
  ShellWriter w(shell_, DebugTrace());
  WriteExports(w, vars_);
  w.Export("GIT_TERMINAL_PROMPT", "0");
  w.Export("GCM_INTERACTIVE", "Never");
  const std::string dir = ProjectDir();
  std::string parent = dir.substr(0, dir.find_last_of('/'));
  if (parent.empty()) parent = "/";
  w.MkdirP(parent);
  w.Cd(parent);
  if (!runner_.pre_get_sources_script.empty()) w.Command(runner_.pre_get_sources_script);
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
  if (!runner_.post_get_sources_script.empty()) w.Command(runner_.post_get_sources_script);
  return w.str();
}

std::string ScriptBuilder::Step(const gitlab::Step& step) const {
  ShellWriter w(shell_, DebugTrace());
  WriteExports(w, vars_);
  w.Cd(ProjectDir());
  if (!runner_.pre_build_script.empty()) w.Command(runner_.pre_build_script);
  for (const auto& line : step.script) w.Command(line);
  if (!runner_.post_build_script.empty()) w.Command(runner_.post_build_script);
  return w.str();
}

std::string ScriptBuilder::AfterScript(const gitlab::Step& step, std::string_view job_status) const {
  JobVariables vars = vars_;
  vars.Set("CI_JOB_STATUS", std::string(job_status));
  ShellWriter w(shell_, DebugTrace());
  WriteExports(w, vars);
  w.Cd(ProjectDir());
  for (const auto& line : step.script) w.Command(line);
  return w.str();
}

std::string ScriptBuilder::Transfer(const std::function<void(ShellWriter&)>& body) const {
  ShellWriter w(shell_, DebugTrace());
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
