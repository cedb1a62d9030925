// POST/GET /api/v4/jobs/:id/artifacts and the admin view, over HTTP.
#include "coordinator/test_support.h"

namespace coordinator::testing {
namespace {

class ArtifactsHttpTest : public CoordinatorHttpTest {
 protected:
  // A running job: its id and token.
  std::pair<int64_t, std::string> RunningJob(const json& extra = json::object()) {
    json spec = {{"script", {"true"}}};
    for (const auto& [k, v] : extra.items()) spec[k] = v;
    Enqueue(spec);
    json job = TakeJob(runner_);
    int64_t id = job["id"].get<int64_t>();
    std::string token = job["token"].get<std::string>();
    auto r = Put(id, token, {{"state", "running"}});
    EXPECT_TRUE(r && r->status == 200);
    return {id, token};
  }
  httplib::Result Upload(int64_t id, const std::string& token, const std::string& content,
                         const std::string& query = "?artifact_format=zip&artifact_type=archive&expire_in=1%20day") {
    httplib::MultipartFormDataItems items = {{"file", content, "artifacts.zip", "application/octet-stream"}};
    return Client()->Post(("/api/v4/jobs/" + std::to_string(id) + "/artifacts" + query).c_str(), JobHeaders(token),
                          items);
  }
  httplib::Result Download(int64_t id, const std::string& token) {
    httplib::Headers h = {{"User-Agent", kUserAgent}};
    if (!token.empty()) h.emplace("JOB-TOKEN", token);
    return Client()->Get(("/api/v4/jobs/" + std::to_string(id) + "/artifacts").c_str(), h);
  }
  void SetUp() override {
    CoordinatorHttpTest::SetUp();
    runner_ = RegisterRunner();
  }
  std::string runner_;
};

TEST_F(ArtifactsHttpTest, UploadThenDependentJobDownloads) {
  auto [id, token] = RunningJob();
  auto up = Upload(id, token, "zip-bytes");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 201);
  EXPECT_EQ(up->body, "201");
  auto stored = coord_->artifact_store().List(id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].filename, "artifacts.zip");
  EXPECT_EQ(stored[0].expire_in, "1 day");
  EXPECT_EQ(stored[0].size, 9);

  ASSERT_EQ(Put(id, token, {{"state", "success"}})->status, 200);
  auto [id2, token2] = RunningJob({{"dependencies", {id}}});
  auto job2 = coord_->GetJob(id2);
  ASSERT_TRUE(job2.ok());
  EXPECT_EQ(job2->payload["dependencies"][0]["artifacts_file"]["filename"], "artifacts.zip");
  auto down = Download(id, token2);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 200);
  EXPECT_EQ(down->body, "zip-bytes");

  auto admin = Client()->Get(("/admin/jobs/" + std::to_string(id) + "/artifacts/0").c_str());
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->body, "zip-bytes");
}

TEST_F(ArtifactsHttpTest, StatusCodesAsGitlab) {
  auto [id, token] = RunningJob();
  EXPECT_EQ(Upload(id, "wrong-token", "x")->status, 403);
  EXPECT_EQ(Upload(999, token, "x")->status, 404);
  coord_->artifact_store().set_max_size(4);
  EXPECT_EQ(Upload(id, token, "too-large")->status, 413);
  coord_->artifact_store().set_max_size(1 << 20);
  EXPECT_EQ(Download(id, "")->status, 401);
  EXPECT_EQ(Download(id, "nobody")->status, 403);
  EXPECT_EQ(Download(id, token)->status, 404);  // no archive yet
  ASSERT_EQ(Upload(id, token, "ok")->status, 201);
  ASSERT_EQ(Put(id, token, {{"state", "success"}})->status, 200);
  EXPECT_EQ(Upload(id, token, "late")->status, 403);  // job is not running any more
}

}  // namespace
}  // namespace coordinator::testing
