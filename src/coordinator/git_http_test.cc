#include <algorithm>
#include <cstdlib>

#include "coordinator/subprocess.h"
#include "coordinator/test_support.h"
#include "util/testing/test_util.h"

namespace coordinator::testing {
namespace {

using GitHttpTest = CoordinatorHttpTest;

std::string MustRun(const std::vector<std::string>& argv) {
  auto r = RunProcess(argv, {"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
                             "GIT_COMMITTER_EMAIL=t@example.com", "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1",
                             "HOME=/nonexistent"});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0) << r->err;
  return r->out;
}

TEST_F(GitHttpTest, ClonesLocalRepositoryWithJobToken) {
  testutil::TempDir tmp;
  const std::string src = (tmp.path() / "src").string();
  MustRun({"git", "init", "-q", "-b", "main", src});
  MustRun({"sh", "-c", "echo hello > " + src + "/README"});
  MustRun({"git", "-C", src, "add", "README"});
  MustRun({"git", "-C", src, "commit", "-q", "-m", "first"});
  std::string head = MustRun({"git", "-C", src, "rev-parse", "HEAD"});
  head.pop_back();

  const std::string runner = RegisterRunner();
  const int64_t id = Enqueue({{"script", {"cat README"}},
                              {"git", {{"repo_url", "file://" + src}, {"ref", "main"}}},
                              {"project", {{"path", "group/demo"}}}});
  json p = TakeJob(runner);
  EXPECT_EQ(p["git_info"]["sha"], head);
  const std::string url = p["git_info"]["repo_url"];
  EXPECT_EQ(url, "http://gitlab-ci-token:" + p["token"].get<std::string>() + "@127.0.0.1:" + std::to_string(port_) +
                     "/group/demo.git");

  // The runner's fetch: the refspecs GitLab sent, then checkout of the sha.
  const std::string dst = (tmp.path() / "dst").string();
  MustRun({"git", "init", "-q", dst});
  std::vector<std::string> fetch = {"git", "-C", dst, "fetch", "-q", url};
  for (const auto& r : p["git_info"]["refspecs"]) fetch.push_back(r);
  MustRun(fetch);
  MustRun({"git", "-C", dst, "checkout", "-q", head});
  EXPECT_EQ(testutil::ReadFile(tmp.path() / "dst" / "README"), "hello\n");

  // Wrong token: 401 like GitLab; finished job: its token no longer works.
  auto bad = RunProcess({"git", "ls-remote", "http://gitlab-ci-token:nope@127.0.0.1:" + std::to_string(port_) +
                                                 "/group/demo.git"},
                        {"GIT_TERMINAL_PROMPT=0"});
  ASSERT_TRUE(bad.ok());
  EXPECT_NE(bad->exit_code, 0);
  Put(id, p["token"], {{"state", "success"}});
  auto after = RunProcess({"git", "ls-remote", url}, {"GIT_TERMINAL_PROMPT=0"});
  EXPECT_NE(after->exit_code, 0);
  auto log = coord_->request_log().Entries("git");
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log[0].status, 401);  // git sends credentials only after the challenge, as with GitLab
  EXPECT_TRUE(std::any_of(log.begin(), log.end(), [](const RequestRecord& r) { return r.status == 200; }));
}

TEST_F(GitHttpTest, UnknownRefIsRejectedAtEnqueue) {
  testutil::TempDir tmp;
  const std::string src = (tmp.path() / "src").string();
  MustRun({"git", "init", "-q", "-b", "main", src});
  auto spec = ParseJobSpec({{"script", "x"}, {"git", {{"repo_url", src}, {"ref", "main"}}}});
  ASSERT_TRUE(spec.ok());
  EXPECT_EQ(coord_->EnqueueJob(*spec).status().code(), util::Status::Code::kInvalidArgument);  // no commits yet
  auto not_repo = ParseJobSpec({{"script", "x"}, {"git", {{"repo_url", tmp.path().string() + "/none"}}}});
  EXPECT_EQ(coord_->EnqueueJob(*not_repo).status().code(), util::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace coordinator::testing
