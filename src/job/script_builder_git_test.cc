// get_sources against a real git server over HTTP that, like GitLab, answers only with
// the job token (user gitlab-ci-token): private submodules on the same host, clone_url,
// GIT_SUBMODULE_PATHS / FORCE_HTTPS, the CA file, umask 0000 for docker executors, Git
// LFS files (the server has GitLab's batch API).
// Scripts run in a real bash and POSIX sh.
#include <httplib.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "executor/shell/shell_executor.h"
#include "job/script_builder.h"
#include "util/testing/test_util.h"

namespace job {
namespace {

namespace fs = std::filesystem;

constexpr char kToken[] = "glcbt-64_JoBToKeNsEcReT";

class CollectSink : public executor::OutputSink {
 public:
  void Write(std::string_view b) override {
    std::lock_guard<std::mutex> l(mu_);
    text_.append(b);
  }
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

std::string Base64(const std::string& in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -6;
  for (unsigned char c : in) {
    val = (val << 8) + c;
    bits += 8;
    while (bits >= 0) {
      out.push_back(k[(val >> bits) & 0x3F]);
      bits -= 6;
    }
  }
  if (bits > -6) out.push_back(k[((val << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

// Serves bare repositories under `root` with git's dumb HTTP protocol, and Git LFS:
// POST <repo>.git/info/lfs/objects/batch answers download actions for the objects in
// root/lfs/<oid> (served by the same mount point). Every request needs basic auth
// gitlab-ci-token:<kToken>, else 401 as GitLab answers.
class GitServer {
 public:
  explicit GitServer(const std::string& root) : root_(root) {
    svr_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("Authorization") == "Basic " + Base64(std::string("gitlab-ci-token:") + kToken)) {
        ++authorized_;
        return httplib::Server::HandlerResponse::Unhandled;
      }
      res.status = 401;
      res.set_header("WWW-Authenticate", "Basic realm=\"GitLab\"");
      return httplib::Server::HandlerResponse::Handled;
    });
    svr_.Post(R"(/.+\.git/info/lfs/objects/batch)", [this](const httplib::Request& req, httplib::Response& res) {
      ++lfs_batches_;
      auto body = nlohmann::json::parse(req.body, nullptr, false);
      nlohmann::json objects = nlohmann::json::array();
      for (auto o : body.value("objects", nlohmann::json::array())) {
        std::string oid = o.value("oid", "");
        if (fs::exists(root_ + "/lfs/" + oid)) {
          o["actions"] = {{"download",
                           {{"href", url() + "/lfs/" + oid},
                            {"header", {{"Authorization", req.get_header_value("Authorization")}}}}}};
        } else {
          o["error"] = {{"code", 404}, {"message", "Object does not exist"}};
        }
        objects.push_back(o);
      }
      res.set_content(nlohmann::json{{"objects", objects}}.dump(), "application/vnd.git-lfs+json");
    });
    svr_.set_mount_point("/", root);
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    for (int i = 0; i < 500 && !svr_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ~GitServer() {
    svr_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int authorized() const { return authorized_; }
  int lfs_batches() const { return lfs_batches_; }

 private:
  std::string root_;
  httplib::Server svr_;
  int port_ = 0;
  std::atomic<int> authorized_{0};
  std::atomic<int> lfs_batches_{0};
  std::thread thread_;
};

class ScriptBuilderGitTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    runner_.shell = GetParam();
    exec_ = std::make_unique<executor::ShellExecutor>(runner_, tmp_.path().string());
    project_ = (tmp_.path() / "builds" / "g" / "p").string();
    srv_ = (tmp_.path() / "srv").string();
    fs::create_directories(srv_);  // the mount point must exist
    server_ = std::make_unique<GitServer>(srv_);
    job_.token = kToken;
    job_.git_info.ref = "main";
    job_.git_info.refspecs = {"+refs/heads/main:refs/remotes/origin/main"};
    job_.git_info.depth = 0;  // the dumb protocol has no shallow fetches
  }

  // A bare repository srv/<path>.git with one file `name`; returns its work tree.
  std::string MakeRepo(const std::string& path, const std::string& file) {
    std::string work = (tmp_.path() / "checkouts" / path).string();
    std::string git = "git -c user.email=t@e -c user.name=t -C " + work;
    EXPECT_EQ(Sh("git init -q -b main " + work + " && echo " + file + " > " + work + "/" + file + " && " + git +
                 " add . && " + git + " commit -q -m init"),
              0);
    Publish(path);
    return work;
  }
  // Like MakeRepo, plus big.bin tracked by Git LFS: the repository holds the pointer, the
  // server the content ("content of <path>"), as GitLab keeps them. Made without git-lfs.
  std::string MakeLfsRepo(const std::string& path) {
    std::string work = (tmp_.path() / "checkouts" / path).string();
    std::string content = "content of " + path + "\n";
    fs::create_directories(srv_ + "/lfs");
    std::ofstream(srv_ + "/lfs/tmp") << content;
    std::string oid = Output("sha256sum " + srv_ + "/lfs/tmp | cut -c1-64");
    fs::rename(srv_ + "/lfs/tmp", srv_ + "/lfs/" + oid);
    fs::create_directories(work);
    std::ofstream(work + "/.gitattributes") << "*.bin filter=lfs diff=lfs merge=lfs -text\n";
    std::ofstream(work + "/big.bin") << LfsPointer(path);
    MakeRepo(path, "main.txt");
    return work;
  }
  // The pointer git-lfs writes for that content (`git lfs pointer`); without git-lfs a
  // stand-in with its oid and size lines (a test without git-lfs only needs a file).
  std::string LfsPointer(const std::string& path) {
    std::string content = "content of " + path + "\n";
    const std::string f = (tmp_.path() / "pointer-of").string();
    std::ofstream(f) << content;
    if (HaveGitLfs()) return Output("git lfs pointer --file=" + f + " 2>/dev/null") + "\n";
    return "oid sha256:" + Output("sha256sum " + f + " | cut -c1-64") + "\nsize " + std::to_string(content.size()) +
           "\n";
  }
  static bool HaveGitLfs() { return Sh("git lfs version >/dev/null 2>&1") == 0; }

  // Adds a submodule entry `name` with `url` (pointing at the commit of srv/<target>.git).
  void AddSubmodule(const std::string& work, const std::string& name, const std::string& url,
                    const std::string& target) {
    std::string git = "git -c user.email=t@e -c user.name=t -C " + work;
    std::string sha = Output("git -C " + tmp_.path().string() + "/checkouts/" + target + " rev-parse HEAD");
    EXPECT_EQ(Sh(git + " config -f .gitmodules submodule." + name + ".path " + name + " && " + git +
                 " config -f .gitmodules submodule." + name + ".url '" + url + "' && " + git +
                 " update-index --add --cacheinfo 160000," + sha + "," + name + " && " + git +
                 " add .gitmodules && " + git + " commit -q -m sub-" + name),
              0);
  }
  // (Re)publishes work/<path> as srv/<path>.git for the dumb protocol.
  void Publish(const std::string& path) {
    std::string bare = srv_ + "/" + path + ".git";
    std::string work = (tmp_.path() / "checkouts" / path).string();
    EXPECT_EQ(Sh("rm -rf " + bare + " && git clone -q --bare " + work + " " + bare + " && git -C " + bare +
                 " update-server-info"),
              0);
  }
  std::string Output(const std::string& cmd) {
    fs::path f = tmp_.path() / "out";
    Sh(cmd + " > " + f.string());
    std::string s = testutil::ReadFile(f);
    while (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
  }

  JobVariables Vars() {
    RunnerContext ctx;
    ctx.builds_dir = (tmp_.path() / "builds").string();
    ctx.project_dir = project_;
    ctx.tls_ca_pem = ca_pem_;
    return JobVariables::Build(job_, runner_, ctx);
  }

  int Run(const std::string& script, const std::string& stage = "get_sources") {
    out_ = std::make_unique<CollectSink>();
    util::CancelToken cancel;
    executor::RunRequest req;
    req.stage = stage;
    req.script = script;
    auto r = exec_->Run(req, *out_, cancel);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : -1;
  }

  // The main project g/p with submodules: "rel" (../sub.git), "abs" (the server's own
  // URL) and "ssh" (git@host:g/sub.git).
  void MakeProjectWithSubmodules(const std::string& abs_base) {
    MakeRepo("g/sub", "sub.txt");
    MakeRepo("other/lib", "lib.txt");
    std::string work = MakeRepo("g/p", "main.txt");
    AddSubmodule(work, "rel", "../sub.git", "g/sub");
    AddSubmodule(work, "abs", abs_base + "/other/lib.git", "other/lib");
    AddSubmodule(work, "ssh", "git@127.0.0.1:g/sub.git", "g/sub");
    Publish("g/p");
    job_.git_info.sha = Output("git -C " + work + " rev-parse HEAD");
  }

  gitlab::JobVariable V(std::string k, std::string v) {
    gitlab::JobVariable x;
    x.key = std::move(k);
    x.value = std::move(v);
    return x;
  }

  testutil::TempDir tmp_;
  config::RunnerConfig runner_;
  gitlab::JobPayload job_;
  std::string project_;
  std::string srv_;
  std::string ca_pem_;
  std::unique_ptr<GitServer> server_;
  std::unique_ptr<executor::ShellExecutor> exec_;
  std::unique_ptr<CollectSink> out_;
};

// Submodules on the GitLab host get the job token (relative and absolute URLs),
// GIT_SUBMODULE_PATHS limits them, and the token is in no config or log.
TEST_P(ScriptBuilderGitTest, PrivateSubmodulesOnTheSameHostUseTheJobToken) {
  MakeProjectWithSubmodules(server_->url());
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("GIT_SUBMODULE_STRATEGY", "recursive"),
                    V("GIT_SUBMODULE_PATHS", "rel abs")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  ASSERT_EQ(Run(b.GetSources()), 0) << out_->text();
  std::string out = out_->text();
  EXPECT_NE(out.find("Updating/initializing submodules recursively..."), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(project_ + "/main.txt"));
  EXPECT_TRUE(fs::exists(project_ + "/rel/sub.txt")) << out;
  EXPECT_TRUE(fs::exists(project_ + "/abs/lib.txt")) << out;
  EXPECT_FALSE(fs::exists(project_ + "/ssh/sub.txt")) << "GIT_SUBMODULE_PATHS left it out";
  EXPECT_GT(server_->authorized(), 0);
  EXPECT_EQ(out.find(kToken), std::string::npos) << out;
  EXPECT_EQ(Sh("grep -r -q -F '" + std::string(kToken) + "' " + project_ + "/.git"), 256) << "token in .git";
  EXPECT_FALSE(fs::exists(project_ + ".tmp/git-credentials.conf"));

  // Exclusion pathspecs work too; without the rules the submodules cannot be read.
  job_.variables.push_back(V("GIT_SUBMODULE_PATHS", ":(exclude)abs :(exclude)ssh"));
  job_.variables.push_back(V("GIT_STRATEGY", "clone"));
  auto vars2 = Vars();
  ScriptBuilder again(job_, vars2, runner_, GetParam());
  ASSERT_EQ(Run(again.GetSources()), 0) << out_->text();
  EXPECT_TRUE(fs::exists(project_ + "/rel/sub.txt"));
  EXPECT_FALSE(fs::exists(project_ + "/abs/lib.txt"));
}

// Without the host-wide rules (no job token) a private submodule fails: the test above
// proves something.
TEST_P(ScriptBuilderGitTest, SubmoduleWithoutTokenIsRefused) {
  MakeProjectWithSubmodules(server_->url());
  job_.token.clear();
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("GIT_SUBMODULE_STRATEGY", "normal"),
                    V("GIT_SUBMODULE_PATHS", "abs")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  EXPECT_NE(Run(b.GetSources()), 0) << out_->text();
  EXPECT_TRUE(fs::exists(project_ + "/main.txt")) << "the project itself was fetched";
  EXPECT_NE(out_->text().find("other/lib.git"), std::string::npos) << out_->text();
  EXPECT_FALSE(fs::exists(project_ + "/abs/lib.txt"));
}

TEST_P(ScriptBuilderGitTest, UnknownSubmoduleStrategyFailsTheJob) {
  MakeProjectWithSubmodules(server_->url());
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("GIT_SUBMODULE_STRATEGY", "recursiv")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  EXPECT_EQ(Run(b.GetSources()), 1);
  EXPECT_NE(out_->text().find("ERROR: unknown GIT_SUBMODULE_STRATEGY \"recursiv\" (none, normal or recursive)"),
            std::string::npos)
      << out_->text();
  EXPECT_FALSE(fs::exists(project_ + ".tmp/git-credentials.conf"));
}

// GIT_SUBMODULE_FORCE_HTTPS: git@host: submodules are fetched over HTTPS (here HTTP) with
// the token.
TEST_P(ScriptBuilderGitTest, ForceHttpsRewritesSshSubmodules) {
  MakeProjectWithSubmodules(server_->url());
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("CI_SERVER_SHELL_SSH_HOST", "127.0.0.1"),
                    V("GIT_SUBMODULE_STRATEGY", "normal"), V("GIT_SUBMODULE_PATHS", "ssh"),
                    V("GIT_SUBMODULE_FORCE_HTTPS", "true")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  ASSERT_EQ(Run(b.GetSources()), 0) << out_->text();
  EXPECT_TRUE(fs::exists(project_ + "/ssh/sub.txt"));
  EXPECT_EQ(out_->text().find(kToken), std::string::npos);
}

// clone_url replaces the scheme and host GitLab gave: the project and submodules with the
// server's own URL are fetched from clone_url (GitLab's host here does not resolve).
TEST_P(ScriptBuilderGitTest, CloneUrlReplacesTheServerHost) {
  MakeProjectWithSubmodules("http://gitlab.invalid");
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@gitlab.invalid/g/p.git";
  job_.variables = {V("CI_SERVER_URL", "http://gitlab.invalid"), V("CI_PROJECT_PATH", "g/p"),
                    V("GIT_SUBMODULE_STRATEGY", "normal"), V("GIT_SUBMODULE_PATHS", "rel abs")};
  runner_.clone_url = server_->url() + "/";
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  EXPECT_EQ(b.RemoteUrl(), "http://gitlab-ci-token:" + std::string(kToken) + "@" +
                               server_->url().substr(7) + "/g/p.git");
  ASSERT_EQ(Run(b.GetSources()), 0) << out_->text();
  EXPECT_TRUE(fs::exists(project_ + "/rel/sub.txt"));
  EXPECT_TRUE(fs::exists(project_ + "/abs/lib.txt"));
  EXPECT_EQ(Output("git -C " + project_ + " remote get-url origin"), server_->url() + "/g/p.git");

  runner_.clone_url = "gitlab.internal";  // not http(s): ignored, as gitlab-runner does
  ScriptBuilder ignored(job_, vars, runner_, GetParam());
  EXPECT_EQ(ignored.RemoteUrl(), job_.git_info.repo_url);
}

// tls-ca-file: a file variable CI_SERVER_TLS_CA_FILE every stage sees, and git trusts it
// for the GitLab host only (http.<server>.sslCAInfo in the included config).
TEST_P(ScriptBuilderGitTest, CaFileGivenToGit) {
  MakeRepo("g/p", "main.txt");
  job_.git_info.sha = Output("git -C " + tmp_.path().string() + "/checkouts/g/p rev-parse HEAD");
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  ca_pem_ = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  runner_.tls_ca_file = "/etc/gitlab-runner/ca.crt";
  job_.variables = {V("CI_SERVER_URL", server_->url())};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  std::string script = b.GetSources();
  // Ask git itself which CA it would use for the server and for another host.
  const std::string cred = project_ + ".tmp/git-credentials.conf";
  std::string probe = "git -c include.path=" + cred + " config --get-urlmatch http.sslCAInfo ";
  size_t at = script.find("sr_forget_credentials\n");  // the last call, after the checkout
  ASSERT_NE(at, std::string::npos);
  script.insert(at, "echo server-ca=$(" + probe + server_->url() + "/g/x.git)\necho other-ca=$(" + probe +
                        "https://example.com/x.git || true)\n");
  ASSERT_EQ(Run(script), 0) << out_->text();
  std::string out = out_->text();
  EXPECT_NE(out.find("server-ca=" + project_ + ".tmp/CI_SERVER_TLS_CA_FILE\n"), std::string::npos) << out;
  EXPECT_NE(out.find("other-ca=\n"), std::string::npos) << out;
  gitlab::Step step;
  step.script = {"cat \"$CI_SERVER_TLS_CA_FILE\""};
  ASSERT_EQ(Run(b.Step(step), "step_script"), 0);
  EXPECT_NE(out_->text().find("MIIB"), std::string::npos) << out_->text();
}

// Docker executors fetch under umask 0000 (a non-root job image can write what the root
// helper cloned); FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR and the shell executor keep the
// default, and so do the job's own scripts.
TEST_P(ScriptBuilderGitTest, DockerSourcesUseUmaskZero) {
  MakeRepo("g/p", "main.txt");
  job_.git_info.sha = Output("git -C " + tmp_.path().string() + "/checkouts/g/p rev-parse HEAD");
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  auto mode = [](const std::string& p) {
    struct stat st {};
    EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
    return st.st_mode & 0777;
  };
  mode_t old = ::umask(022);  // the stages inherit it
  runner_.executor = "docker";
  auto vars = Vars();
  ScriptBuilder docker(job_, vars, runner_, GetParam());
  EXPECT_TRUE(docker.UmaskZero());
  ASSERT_EQ(Run(docker.GetSources()), 0) << out_->text();
  EXPECT_EQ(mode(project_ + "/main.txt"), 0666u);
  EXPECT_EQ(mode(project_), 0777u);
  gitlab::Step step;  // the job's own files: the image's umask, as with gitlab-runner
  step.script = {"touch made-by-job"};
  ASSERT_EQ(Run(docker.Step(step), "step_script"), 0);
  EXPECT_EQ(mode(project_ + "/made-by-job"), 0644u);

  job_.variables = {V("FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", "true"), V("GIT_STRATEGY", "clone")};
  auto vars2 = Vars();
  ScriptBuilder off(job_, vars2, runner_, GetParam());
  EXPECT_FALSE(off.UmaskZero());
  ASSERT_EQ(Run(off.GetSources()), 0) << out_->text();
  EXPECT_EQ(mode(project_ + "/main.txt"), 0644u);

  runner_.executor = "shell";
  ScriptBuilder shell(job_, vars, runner_, GetParam());
  EXPECT_FALSE(shell.UmaskZero());
  ::umask(old);
}

// Git LFS as gitlab-runner: checkout without smudging, then `git lfs pull` with the job
// token gives the real content, in the project and in its submodules; a fetch into the
// same checkout pulls again.
TEST_P(ScriptBuilderGitTest, LfsFilesArePulledWithTheJobToken) {
  ASSERT_TRUE(HaveGitLfs()) << "git-lfs is not installed (scripts/deps.sh installs it)";
  MakeLfsRepo("g/sub");
  std::string work = MakeLfsRepo("g/p");
  AddSubmodule(work, "rel", "../sub.git", "g/sub");
  Publish("g/p");
  job_.git_info.sha = Output("git -C " + work + " rev-parse HEAD");
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("GIT_SUBMODULE_STRATEGY", "normal")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  std::string script = b.GetSources();
  EXPECT_NE(script.find("export GIT_LFS_SKIP_SMUDGE='1'\n"), std::string::npos);
  ASSERT_EQ(Run(script), 0) << out_->text();
  EXPECT_EQ(testutil::ReadFile(project_ + "/big.bin"), "content of g/p\n") << out_->text();
  EXPECT_EQ(testutil::ReadFile(project_ + "/rel/big.bin"), "content of g/sub\n") << out_->text();
  EXPECT_NE(out_->text().find("Pulling LFS files..."), std::string::npos);
  EXPECT_EQ(server_->lfs_batches(), 2);
  EXPECT_EQ(out_->text().find(kToken), std::string::npos) << out_->text();
  EXPECT_EQ(Sh("grep -r -q -F '" + std::string(kToken) + "' " + project_ + "/.git"), 256) << "token in .git";
  EXPECT_EQ(Output("git -C " + project_ + " status --porcelain"), "") << "the filters see the real content";

  // GIT_STRATEGY fetch reuses the checkout (whose post-checkout hook is removed first).
  ASSERT_EQ(Run(b.GetSources()), 0) << out_->text();
  EXPECT_EQ(testutil::ReadFile(project_ + "/big.bin"), "content of g/p\n");
}

// GIT_LFS_SKIP_SMUDGE=1 set by the job: the files stay pointers, nothing asks for them.
TEST_P(ScriptBuilderGitTest, GitLfsSkipSmudgeLeavesPointers) {
  ASSERT_TRUE(HaveGitLfs()) << "git-lfs is not installed (scripts/deps.sh installs it)";
  std::string work = MakeLfsRepo("g/p");
  job_.git_info.sha = Output("git -C " + work + " rev-parse HEAD");
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("GIT_LFS_SKIP_SMUDGE", "1")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  ASSERT_EQ(Run(b.GetSources()), 0) << out_->text();
  EXPECT_EQ(testutil::ReadFile(project_ + "/big.bin"), LfsPointer("g/p"));
  EXPECT_EQ(server_->lfs_batches(), 0);
}

// Without git-lfs (not on PATH, no filter configured) get_sources still succeeds, with
// pointers for LFS files, as gitlab-runner's `git lfs version` check does.
TEST_P(ScriptBuilderGitTest, WithoutGitLfsTheStageSucceeds) {
  std::string work = MakeLfsRepo("g/p");
  job_.git_info.sha = Output("git -C " + work + " rev-parse HEAD");
  job_.git_info.repo_url = "http://gitlab-ci-token:" + std::string(kToken) + "@127.0.0.1:" +
                           server_->url().substr(server_->url().rfind(':') + 1) + "/g/p.git";
  // A PATH with every command of this host but git-lfs.
  const std::string bin = (tmp_.path() / "bin").string();
  ASSERT_EQ(Sh("mkdir -p " + bin + " && for d in /usr/local/bin /usr/bin /bin; do for f in $d/*; do "
               "[ -e " + bin + "/${f##*/} ] || ln -s $f " + bin + "/; done; done && rm -f " + bin + "/git-lfs"),
            0);
  job_.variables = {V("CI_SERVER_URL", server_->url()), V("PATH", bin), V("GIT_CONFIG_NOSYSTEM", "1"),
                    V("GIT_SUBMODULE_STRATEGY", "recursive")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  ASSERT_EQ(Run(b.GetSources()), 0) << out_->text();
  EXPECT_EQ(testutil::ReadFile(project_ + "/big.bin"), LfsPointer("g/p"));
  EXPECT_EQ(testutil::ReadFile(project_ + "/main.txt"), "main.txt\n");
  EXPECT_EQ(server_->lfs_batches(), 0);
}

INSTANTIATE_TEST_SUITE_P(Shells, ScriptBuilderGitTest, ::testing::Values("bash", "sh"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace job
