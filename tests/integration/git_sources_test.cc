// get_sources against the embedded coordinator's git server, which (like GitLab) lets a
// job token read the job's project and the other projects it may read: a private
// submodule on the same host is cloned with the job token; clone_url replaces GitLab's
// host when that is not reachable from the runner; Git LFS files come through the
// coordinator's LFS batch API with the same token (shell and docker executors).
#include <cstdlib>

#include "tests/integration/harness.h"

namespace itest {
namespace {

using coordinator::JobState;

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

// Repositories on disk: other/lib (lib.txt) and g/p, whose submodules are "rel"
// (../sub.git → g/sub) and "abs" (<abs_base>/other/lib.git).
class GitSources {
 public:
  GitSources(const std::filesystem::path& dir, const std::string& abs_base) : dir_(dir) {
    Repo("g/sub", "sub.txt");
    Repo("other/lib", "lib.txt");
    Repo("g/p", "main.txt");
    Submodule("rel", "../sub.git", "g/sub");
    Submodule("abs", abs_base + "/other/lib.git", "other/lib");
  }
  std::string path(const std::string& p) const { return (dir_ / p).string(); }

 private:
  std::string Git(const std::string& p) const { return "git -c user.email=t@e -c user.name=t -C " + path(p); }
  void Repo(const std::string& p, const std::string& file) {
    EXPECT_EQ(Sh("git init -q -b main " + path(p) + " && echo " + file + " > " + path(p) + "/" + file + " && " +
                 Git(p) + " add . && " + Git(p) + " commit -q -m init"),
              0);
  }
  void Submodule(const std::string& name, const std::string& url, const std::string& target) {
    std::string g = Git("g/p");
    EXPECT_EQ(Sh(g + " config -f .gitmodules submodule." + name + ".path " + name + " && " + g +
                 " config -f .gitmodules submodule." + name + ".url " + url + " && " + g +
                 " update-index --add --cacheinfo 160000,$(" + Git(target) + " rev-parse HEAD)," + name + " && " + g +
                 " add .gitmodules && " + g + " commit -q -m " + name),
              0);
  }
  std::filesystem::path dir_;
};

coordinator::JobSpec SubmoduleJob(const GitSources& src) {
  auto spec = RunnerHarness::Spec({"cat main.txt rel/sub.txt abs/lib.txt"});
  spec.project_path = "g/p";
  spec.git.repo_url = src.path("g/p");
  spec.git.projects = {{"g/sub", src.path("g/sub")}, {"other/lib", src.path("other/lib")}};
  spec.variables.push_back({"GIT_STRATEGY", "clone", true, false, false, false});
  spec.variables.push_back({"GIT_SUBMODULE_STRATEGY", "recursive", true, false, false, false});
  return spec;
}

TEST(GitSourcesTest, PrivateSubmodulesOnTheSameHostUseTheJobToken) {
  RunnerHarness h("shell");
  testutil::TempDir repos;
  GitSources src(repos.path(), h.url());
  h.StartManager();
  auto job = h.Wait(h.Enqueue(SubmoduleJob(src)));
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("main.txt\nsub.txt\nlib.txt\n"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("Updating/initializing submodules recursively"), std::string::npos);
  ASSERT_FALSE(job.token.empty());
  EXPECT_EQ(job.trace.find(job.token), std::string::npos) << "the token is in the trace";

  // The same job whose token may not read other/lib: the submodule, not the project, fails.
  auto denied = SubmoduleJob(src);
  denied.git.projects.erase("other/lib");
  auto failed = h.Wait(h.Enqueue(denied));
  EXPECT_EQ(failed.state, JobState::kFailed) << failed.trace;
  EXPECT_NE(failed.trace.find("other/lib.git"), std::string::npos) << failed.trace;
  EXPECT_EQ(failed.trace.find(failed.token), std::string::npos);
}

// GitLab's URL (CI_SERVER_URL, repo_url) does not resolve here; clone_url points at the
// coordinator, for the project and for submodules with the server's absolute URL.
TEST(GitSourcesTest, CloneUrlReplacesGitlabsHost) {
  RunnerHarness h("shell", "", [](coordinator::CoordinatorOptions& co) { co.base_url = "http://gitlab.invalid"; });
  std::string text = testutil::ReadFile(h.config_path());
  size_t at = text.find("[[runners]]\n");
  ASSERT_NE(at, std::string::npos) << text;
  text.insert(at + 12, "  clone_url = \"" + h.url() + "\"\n");
  FILE* f = std::fopen(h.config_path().c_str(), "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  testutil::TempDir repos;
  GitSources src(repos.path(), "http://gitlab.invalid");
  h.StartManager();
  auto job = h.Wait(h.Enqueue(SubmoduleJob(src)));
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("main.txt\nsub.txt\nlib.txt\n"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find(job.token), std::string::npos);
}

// The same through the docker executor: git runs in the helper image (busybox sh), the
// job image reads the sources; the containers share the host's network to reach the
// coordinator on 127.0.0.1.
TEST(GitSourcesTest, DockerHelperClonesPrivateSubmodules) {
  RunnerHarness h("docker", "alpine:latest");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  ASSERT_TRUE(h.AddDockerSetting("network_mode = \"host\"")) << testutil::ReadFile(h.config_path());
  testutil::TempDir repos;
  GitSources src(repos.path(), h.url());
  h.StartManager();
  auto spec = SubmoduleJob(src);
  spec.image = nlohmann::json{{"name", "alpine:latest"}};
  spec.script = {"cat main.txt rel/sub.txt abs/lib.txt", "ls -ld rel/sub.txt"};
  auto job = h.Wait(h.Enqueue(spec), 120);
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("main.txt\nsub.txt\nlib.txt\n"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("-rw-rw-rw-"), std::string::npos) << "umask 0000 in the helper\n" << job.trace;
  EXPECT_EQ(job.trace.find(job.token), std::string::npos);
}

bool HaveGitLfs() { return Sh("git lfs version >/dev/null 2>&1") == 0; }

// g/lfs, whose big.bin is tracked by Git LFS, with the submodule "sub" (../lfsub.git →
// g/lfsub, whose sub.bin is tracked too). Committed with git-lfs, which keeps the
// content in each repository's .git/lfs/objects: the coordinator's LFS store.
class LfsSources {
 public:
  explicit LfsSources(const std::filesystem::path& dir) : dir_(dir) {
    Repo("g/lfsub", "sub.bin", "the content of sub.bin");
    Repo("g/lfs", "big.bin", "the content of big.bin");
    std::string g = Git("g/lfs");
    EXPECT_EQ(Sh(g + " config -f .gitmodules submodule.sub.path sub && " + g +
                 " config -f .gitmodules submodule.sub.url ../lfsub.git && " + g +
                 " update-index --add --cacheinfo 160000,$(" + Git("g/lfsub") + " rev-parse HEAD),sub && " + g +
                 " add .gitmodules && " + g + " commit -q -m sub"),
              0);
  }
  std::string path(const std::string& p) const { return (dir_ / p).string(); }

 private:
  std::string Git(const std::string& p) const { return "git -c user.email=t@e -c user.name=t -C " + path(p); }
  void Repo(const std::string& p, const std::string& file, const std::string& content) {
    EXPECT_EQ(Sh("git init -q -b main " + path(p) + " && " + Git(p) + " lfs install --local >/dev/null && " + Git(p) +
                 " lfs track '*.bin' >/dev/null && echo '" + content + "' > " + path(p) + "/" + file + " && " +
                 Git(p) + " add . && " + Git(p) + " commit -q -m init"),
              0);
  }
  std::filesystem::path dir_;
};

coordinator::JobSpec LfsJob(const LfsSources& src) {
  auto spec = RunnerHarness::Spec({"cat big.bin sub/sub.bin"});
  spec.project_path = "g/lfs";
  spec.git.repo_url = src.path("g/lfs");
  spec.git.projects = {{"g/lfsub", src.path("g/lfsub")}};
  spec.variables.push_back({"GIT_STRATEGY", "clone", true, false, false, false});
  spec.variables.push_back({"GIT_SUBMODULE_STRATEGY", "normal", true, false, false, false});
  return spec;
}

constexpr char kLfsPointer[] = "\noid sha256:";  // a line of every LFS pointer file

// Shell executor with git-lfs on this host: the files have their content, fetched with
// the job token from the coordinator's LFS API, in the project and in its submodule.
TEST(GitSourcesTest, LfsFilesHaveTheirContentOnTheShellExecutor) {
  ASSERT_TRUE(HaveGitLfs()) << "git-lfs is not installed (scripts/deps.sh installs it)";
  RunnerHarness h("shell");
  testutil::TempDir repos;
  LfsSources src(repos.path());
  h.StartManager();
  auto job = h.Wait(h.Enqueue(LfsJob(src)));
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("the content of big.bin\nthe content of sub.bin\n"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find(kLfsPointer), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("Pulling LFS files..."), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find(job.token), std::string::npos) << "the token is in the trace";
  int batches = 0, downloads = 0;
  for (const auto& r : h.coord().request_log().Entries("lfs")) {
    EXPECT_EQ(r.status, 200) << r.method << " " << r.path;
    (r.method == "POST" ? batches : downloads)++;
  }
  EXPECT_EQ(batches, 2);
  EXPECT_EQ(downloads, 2);
}

// GIT_LFS_SKIP_SMUDGE=1 in the job: the files stay LFS pointers and nothing is fetched.
TEST(GitSourcesTest, GitLfsSkipSmudgeKeepsThePointers) {
  ASSERT_TRUE(HaveGitLfs()) << "git-lfs is not installed (scripts/deps.sh installs it)";
  RunnerHarness h("shell");
  testutil::TempDir repos;
  LfsSources src(repos.path());
  h.StartManager();
  auto spec = LfsJob(src);
  spec.variables.push_back({"GIT_LFS_SKIP_SMUDGE", "1", true, false, false, false});
  auto job = h.Wait(h.Enqueue(spec));
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  size_t first = job.trace.find(kLfsPointer);
  ASSERT_NE(first, std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find(kLfsPointer, first + 1), std::string::npos) << "the submodule's too\n" << job.trace;
  EXPECT_EQ(job.trace.find("the content of"), std::string::npos) << job.trace;
  EXPECT_TRUE(h.coord().request_log().Entries("lfs").empty());
}

// Docker executor: git-lfs comes with the helper image (with its filters in
// /etc/gitconfig); the job image sees the content.
TEST(GitSourcesTest, DockerHelperPullsLfsFiles) {
  ASSERT_TRUE(HaveGitLfs()) << "git-lfs is not installed (scripts/deps.sh installs it)";
  RunnerHarness h("docker", "alpine:latest");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  ASSERT_TRUE(h.AddDockerSetting("network_mode = \"host\"")) << testutil::ReadFile(h.config_path());
  testutil::TempDir repos;
  LfsSources src(repos.path());
  h.StartManager();
  auto spec = LfsJob(src);
  spec.image = nlohmann::json{{"name", "alpine:latest"}};
  auto job = h.Wait(h.Enqueue(spec), 120);
  ASSERT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("the content of big.bin\nthe content of sub.bin\n"), std::string::npos)
      << "a helper image without git-lfs? scripts/services.sh rebuilds it\n" << job.trace;
  EXPECT_EQ(job.trace.find(job.token), std::string::npos);
}

// GIT_CLONE_PATH: refused with gitlab-runner's message unless [runners.custom_build_dir]
// is enabled (off by default for shell), and then only inside the builds dir.
TEST(GitSourcesTest, GitClonePathNeedsCustomBuildDir) {
  RunnerHarness h("shell");
  testutil::TempDir repos;
  GitSources src(repos.path(), h.url());
  auto spec = [&](const std::string& path) {
    auto s = SubmoduleJob(src);
    s.script = {"pwd", "cat main.txt"};
    s.variables.push_back({"GIT_SUBMODULE_STRATEGY", "none", true, false, false, false});
    s.variables.push_back({"GIT_CLONE_PATH", path, true, false, false, false});
    return s;
  };
  h.StartManager();
  auto refused = h.Wait(h.Enqueue(spec("$CI_BUILDS_DIR/mine/p")));
  EXPECT_EQ(refused.state, JobState::kFailed);
  EXPECT_NE(refused.trace.find("setting GIT_CLONE_PATH is not allowed, enable `custom_build_dir` feature"),
            std::string::npos)
      << refused.trace;
  h.manager().StopForceful();
  h.manager().Wait();

  h.AppendConfig("  [runners.custom_build_dir]\n    enabled = true");
  h.StartManager();
  auto moved = h.Wait(h.Enqueue(spec("$CI_BUILDS_DIR/mine/p")));
  ASSERT_EQ(moved.state, JobState::kSuccess) << moved.trace;
  EXPECT_NE(moved.trace.find("/builds/mine/p/.git/\n"), std::string::npos) << moved.trace;
  EXPECT_NE(moved.trace.find("/builds/mine/p\n"), std::string::npos) << moved.trace;  // pwd
  auto outside = h.Wait(h.Enqueue(spec("$CI_BUILDS_DIR/../escape")));
  EXPECT_EQ(outside.state, JobState::kFailed);
  EXPECT_NE(outside.trace.find("has to be within"), std::string::npos) << outside.trace;
}

}  // namespace
}  // namespace itest
