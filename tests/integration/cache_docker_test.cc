// Cache (S3 on s3rver) and artifacts through the docker executor, black-box: only
// config.toml, the coordinator and the job's trace and result. The stages run the helper
// image's spotrunner; its container uses the host's network to reach s3rver and the
// coordinator on 127.0.0.1.
#include <fstream>
#include <string>

#include "tests/integration/harness.h"
#include "tests/integration/s3rver.h"
#include "util/http_client.h"

namespace itest {
namespace {

using coordinator::JobState;
using nlohmann::json;

TEST(CacheDockerTest, CacheAndArtifactsOfOneJobAreRestoredInAnother) {
  S3rver s3("runner-cache");
  ASSERT_GT(s3.port(), 0) << "s3rver did not start (scripts/npm_deps.sh installs it)";
  RunnerHarness h("docker", "alpine:latest");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  std::string text = testutil::ReadFile(h.config_path());
  auto pos = text.find("[runners.docker]");
  ASSERT_NE(pos, std::string::npos) << text;
  text.insert(pos + 16, "\n    network_mode = \"host\"");
  // register writes no [runners.cache] for an empty cache config; the S3 one goes last.
  ASSERT_EQ(text.find("[runners.cache]"), std::string::npos) << text;
  {
    std::ofstream out(h.config_path(), std::ios::trunc);
    out << text << "\n" << s3.CacheToml(true);
  }
  h.StartManager();

  auto a = RunnerHarness::Spec({"mkdir -p vendor out", "echo cache-from-A > vendor/c.txt",
                                "echo artifact-from-A > out/a.txt"});
  a.name = "build";
  a.image = json{{"name", "alpine:latest"}};
  a.cache = json::array({{{"key", "deps"}, {"paths", {"vendor/"}}, {"policy", "pull-push"}, {"when", "on_success"}}});
  a.artifacts = json::array({{{"paths", {"out/"}}, {"when", "on_success"}, {"artifact_type", "archive"},
                              {"artifact_format", "zip"}}});
  int64_t id_a = h.Enqueue(a);
  auto ja = h.Wait(id_a, 180);
  ASSERT_EQ(ja.state, JobState::kSuccess) << ja.trace;
  std::string key = ja.payload["cache"][0]["key"].get<std::string>();
  EXPECT_NE(ja.trace.find("Created cache"), std::string::npos) << ja.trace;
  util::HttpClient http;
  util::HttpRequest head;
  head.url = s3.ObjectUrl("project/1/" + key);
  EXPECT_EQ(http.Send(head).status, 200) << "the cache object is in the bucket";
  ASSERT_EQ(h.coord().artifact_store().List(id_a).size(), 1u) << ja.trace;

  auto b = RunnerHarness::Spec({"cat vendor/c.txt", "cat out/a.txt"});
  b.name = "test";
  b.image = json{{"name", "alpine:latest"}};
  b.cache = json::array({{{"key", "deps"}, {"paths", {"vendor/"}}, {"policy", "pull"}, {"when", "on_success"}}});
  b.dependencies = json::array({id_a});
  auto jb = h.Wait(h.Enqueue(b), 180);
  ASSERT_EQ(jb.state, JobState::kSuccess) << jb.trace;
  EXPECT_NE(jb.trace.find("Successfully extracted cache"), std::string::npos) << jb.trace;
  EXPECT_NE(jb.trace.find("cache-from-A"), std::string::npos) << jb.trace;
  EXPECT_NE(jb.trace.find("artifact-from-A"), std::string::npos) << jb.trace;
  // Presigned URLs and keys stay out of the log.
  EXPECT_EQ(jb.trace.find("X-Amz-Signature"), std::string::npos);
  EXPECT_EQ(jb.trace.find("S3RVER"), std::string::npos);
}

}  // namespace
}  // namespace itest
