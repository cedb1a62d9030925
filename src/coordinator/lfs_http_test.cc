// GitLab's Git LFS API for mirrored local repositories: the batch API, the object
// downloads it points at, job-token auth, and git-lfs itself as the client.
#include <filesystem>
#include <fstream>

#include "coordinator/subprocess.h"
#include "coordinator/test_support.h"
#include "util/testing/test_util.h"

namespace coordinator::testing {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kGitEnv = {
    "GIT_AUTHOR_NAME=t",     "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
    "GIT_TERMINAL_PROMPT=0", "GIT_CONFIG_NOSYSTEM=1",          "HOME=/nonexistent"};

std::string MustRun(const std::vector<std::string>& argv, const std::vector<std::string>& env = kGitEnv) {
  auto r = RunProcess(argv, env);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r->exit_code, 0) << r->err;
  return r->out;
}

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

class LfsHttpTest : public CoordinatorHttpTest {
 protected:
  // A repository whose big.bin is an LFS pointer, with the object in its own LFS store
  // (.git/lfs/objects/..), as `git lfs` leaves it after committing a tracked file.
  void SetUp() override {
    CoordinatorHttpTest::SetUp();
    src_ = (tmp_.path() / "src").string();
    MustRun({"git", "init", "-q", "-b", "main", src_});
    content_ = "large file content\n";
    for (int i = 0; i < 200; ++i) content_ += "line " + std::to_string(i) + "\n";
    Write(tmp_.path() / "content", content_);
    oid_ = MustRun({"sha256sum", (tmp_.path() / "content").string()}).substr(0, 64);
    fs::path store = fs::path(src_) / ".git" / "lfs" / "objects" / oid_.substr(0, 2) / oid_.substr(2, 2);
    fs::create_directories(store);
    Write(store / oid_, content_);
    // The pointer git-lfs writes; the batch tests need no valid one (nor git-lfs).
    auto pointer = RunProcess({"git", "lfs", "pointer", "--file=" + (tmp_.path() / "content").string()}, kGitEnv);
    pointer_ = pointer.ok() && pointer->exit_code == 0
                   ? pointer->out
                   : "oid sha256:" + oid_ + "\nsize " + std::to_string(content_.size()) + "\n";
    Write(fs::path(src_) / "big.bin", pointer_);
    Write(fs::path(src_) / ".gitattributes", "*.bin filter=lfs diff=lfs merge=lfs -text\n");
    MustRun({"git", "-C", src_, "add", "."});
    MustRun({"git", "-C", src_, "commit", "-q", "-m", "lfs"});

    runner_ = RegisterRunner();
    job_id_ = Enqueue({{"script", {"cat big.bin"}},
                       {"git", {{"repo_url", src_}, {"ref", "main"}}},
                       {"project", {{"path", "group/demo"}}}});
    payload_ = TakeJob(runner_);
    token_ = payload_["token"].get<std::string>();
  }

  static void Write(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

  std::string Auth(const std::string& token) const { return "Basic " + Base64("gitlab-ci-token:" + token); }
  // What git-lfs sends (headers as git-lfs 3.x sets them).
  httplib::Result Batch(const json& body, const std::string& auth, const std::string& project = "group/demo",
                        const std::string& type = "application/vnd.git-lfs+json; charset=utf-8") {
    httplib::Headers h = {{"Accept", "application/vnd.git-lfs+json"}};
    if (!auth.empty()) h.emplace("Authorization", auth);
    return Client()->Post(("/" + project + ".git/info/lfs/objects/batch").c_str(), h, body.dump(), type.c_str());
  }
  static json Download(const std::vector<json>& objects) {
    return {{"operation", "download"}, {"transfers", {"basic"}}, {"ref", {{"name", "refs/heads/main"}}},
            {"objects", objects}, {"hash_algo", "sha256"}};
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

  testutil::TempDir tmp_;
  std::string src_, content_, oid_, pointer_, runner_, token_;
  int64_t job_id_ = 0;
  json payload_;
};

// download: a download action for a stored object (href on the coordinator, the request's
// own Authorization handed back, as GitLab does), a per-object 404 for a missing one; the
// href serves the bytes with the same auth.
TEST_F(LfsHttpTest, BatchDownloadPointsAtStoredObjects) {
  const std::string missing(64, 'a');
  auto r = Batch(Download({{{"oid", oid_}, {"size", content_.size()}}, {{"oid", missing}, {"size", 3}}}),
                 Auth(token_));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/vnd.git-lfs+json; charset=utf-8");
  json b = json::parse(r->body);
  ASSERT_EQ(b["objects"].size(), 2u) << b.dump();
  const json& found = b["objects"][0];
  EXPECT_EQ(found["oid"], oid_);
  EXPECT_EQ(found["size"], content_.size());
  const std::string href = Url() + "/group/demo.git/gitlab-lfs/objects/" + oid_;
  EXPECT_EQ(found["actions"]["download"]["href"], href);
  EXPECT_EQ(found["actions"]["download"]["header"]["Authorization"], Auth(token_));
  EXPECT_FALSE(found.contains("error"));
  const json& lost = b["objects"][1];
  EXPECT_EQ(lost["oid"], missing);
  EXPECT_FALSE(lost.contains("actions"));
  EXPECT_EQ(lost["error"]["code"], 404);
  EXPECT_EQ(lost["error"]["message"], "Object does not exist on the server or you don't have permissions to access it");

  auto get = Client()->Get(("/group/demo.git/gitlab-lfs/objects/" + oid_).c_str(), {{"Authorization", Auth(token_)}});
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->get_header_value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(get->body, content_);
  auto none = Client()->Get(("/group/demo.git/gitlab-lfs/objects/" + missing).c_str(), {{"Authorization", Auth(token_)}});
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 404);
  EXPECT_EQ(json::parse(none->body)["message"], "Not found.");
  auto anon = Client()->Get(("/group/demo.git/gitlab-lfs/objects/" + oid_).c_str());
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->status, 401);
  EXPECT_EQ(coord_->request_log().Entries("lfs").size(), 4u);
}

// Basic auth gitlab-ci-token:<token of a running job of the project>, else 401 with GitLab's
// challenge; a finished job's token no longer works.
TEST_F(LfsHttpTest, BatchNeedsTheJobTokenOfARunningJob) {
  const json body = Download({{{"oid", oid_}, {"size", content_.size()}}});
  for (const std::string& auth : {std::string(), Auth("nope"), "Basic " + Base64("someone:" + token_),
                                  std::string("Bearer ") + token_}) {
    auto r = Batch(body, auth);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << auth;
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Basic realm=\"GitLab\"");
  }
  auto other = Batch(body, Auth(token_), "group/other");  // not the job's project
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 401);

  Put(job_id_, token_, {{"state", "success"}});
  auto after = Batch(body, Auth(token_));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 401);
}

// A job token may not push: upload is 403 (batch and PUT), as is an unknown operation or a
// body Rails does not read as JSON; a download without objects is 404.
TEST_F(LfsHttpTest, UploadAndMalformedBatchesAreRefusedAsGitlabDoes) {
  json upload = Download({{{"oid", oid_}, {"size", content_.size()}}});
  upload["operation"] = "upload";
  auto r = Batch(upload, Auth(token_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/vnd.git-lfs+json; charset=utf-8");
  json b = json::parse(r->body);
  EXPECT_EQ(b["message"], "Access forbidden. Check your access level.");
  EXPECT_EQ(b["documentation_url"], Url() + "/help");

  auto put = Client()->Put(("/group/demo.git/gitlab-lfs/objects/" + oid_ + "/3").c_str(),
                           {{"Authorization", Auth(token_)}}, "abc", "application/octet-stream");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 403);

  json odd = upload;
  odd["operation"] = "delete";
  EXPECT_EQ(Batch(odd, Auth(token_))->status, 403);
  EXPECT_EQ(Batch(Download({{{"oid", oid_}, {"size", 1}}}), Auth(token_), "group/demo", "text/plain")->status, 403);
  auto empty = Batch(Download({}), Auth(token_));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 404);
  EXPECT_EQ(json::parse(empty->body)["message"], "Not found.");
  EXPECT_EQ(Batch({{"operation", "download"}, {"objects", {{"oid", oid_}}}}, Auth(token_))->status, 404);

  // Objects of odd shapes are answered one by one, as missing.
  auto odd_objects = Batch({{"operation", "download"}, {"objects", {1, "x", nullptr, {{"oid", 5}}}}}, Auth(token_));
  ASSERT_TRUE(odd_objects);
  ASSERT_EQ(odd_objects->status, 200);
  json objects = json::parse(odd_objects->body)["objects"];
  ASSERT_EQ(objects.size(), 4u);
  for (const auto& o : objects) EXPECT_EQ(o["error"]["code"], 404) << o.dump();
}

// git-lfs as the client: clone without smudging, then `git lfs pull` with the credentials
// of the remote URL (the payload's repo_url) fetches the object through the batch API and
// checks it out.
TEST_F(LfsHttpTest, GitLfsPullsTheObject) {
  auto probe = RunProcess({"git", "lfs", "version"}, kGitEnv);
  ASSERT_TRUE(probe.ok() && probe->exit_code == 0) << "git-lfs is not installed (scripts/deps.sh installs it)";
  const std::string dst = (tmp_.path() / "dst").string();
  std::vector<std::string> env = kGitEnv;
  env.push_back("GIT_LFS_SKIP_SMUDGE=1");
  MustRun({"git", "clone", "-q", "-b", "main", payload_["git_info"]["repo_url"].get<std::string>(), dst}, env);
  EXPECT_EQ(testutil::ReadFile(fs::path(dst) / "big.bin"), pointer_);
  // The filters `git lfs pull` checks out with (no system or global config here).
  MustRun({"git", "-C", dst, "lfs", "install", "--local"}, env);
  MustRun({"git", "-C", dst, "lfs", "pull"}, env);
  EXPECT_EQ(testutil::ReadFile(fs::path(dst) / "big.bin"), content_);
  auto log = coord_->request_log().Entries("lfs");
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].path, "/group/demo.git/info/lfs/objects/batch");
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(log[1].path, "/group/demo.git/gitlab-lfs/objects/" + oid_);
  EXPECT_EQ(log[1].status, 200);
}

}  // namespace
}  // namespace coordinator::testing
