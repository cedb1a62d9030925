#include "coordinator/job_spec.h"

#include <gtest/gtest.h>

#include "coordinator/payload.h"
#include "coordinator/trace_checksum.h"

namespace coordinator {
namespace {

using nlohmann::json;

TEST(JobSpecTest, ParsesCompactSpec) {
  auto s = ParseJobSpec({{"name", "build"},
                         {"script", "make"},
                         {"variables", {{"A", "1"}, {"B", {{"value", "xyzxyzxyz"}, {"masked", true}}}}},
                         {"timeout", "1h 30m"},
                         {"allow_failure", true},
                         {"git", {{"repo_url", "https://h/p.git"}, {"ref", "v1"}, {"ref_type", "tag"}, {"depth", 0}}}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->script, std::vector<std::string>{"make"});
  EXPECT_EQ(s->timeout_seconds, 5400);
  ASSERT_EQ(s->variables.size(), 2u);
  EXPECT_TRUE(s->variables[1].masked);
  EXPECT_FALSE(s->variables[1].is_public);
  EXPECT_TRUE(s->allow_failure);
  EXPECT_EQ(s->git.ref_type, "tag");
  EXPECT_TRUE(s->image.is_null());
  EXPECT_TRUE(RequiredRunnerFeatures(*s).empty());
}

TEST(JobSpecTest, RejectsBadSpecs) {
  EXPECT_FALSE(ParseJobSpec(json::array()).ok());
  EXPECT_FALSE(ParseJobSpec({{"name", "x"}}).ok());
  EXPECT_FALSE(ParseJobSpec({{"script", {1, 2}}}).ok());
  EXPECT_FALSE(ParseJobSpec({{"script", "x"}, {"git", {{"ref_type", "commit"}}}}).ok());
  EXPECT_FALSE(ParseJobSpec({{"script", "x"}, {"image", {{"entrypoint", {"sh"}}}}}).ok());
  EXPECT_FALSE(ParseJobSpec({{"script", "x"}, {"project", {{"path", "noslash"}}}}).ok());
  EXPECT_FALSE(ParseJobSpec({{"script", "x"}, {"stage", 3}}).ok());
}

TEST(JobSpecTest, RegistryCredentialsAsThePayloadCarriesThem) {
  json creds = json::array({{{"type", "registry"}, {"url", "127.0.0.1:5001"}, {"username", "u"}, {"password", "p"}}});
  auto s = ParseJobSpec({{"script", "x"}, {"credentials", creds}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->credentials, creds);
  EXPECT_EQ(ParseJobSpec({{"script", "x"}})->credentials, json::array());
  auto bad = ParseJobSpec({{"script", "x"}, {"credentials", {{"type", "registry"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("credentials must be an array"), std::string::npos);
}

TEST(JobSpecTest, GitProjectsAreProjectPathsToRepositories) {
  auto ok = ParseJobSpec({{"script", "x"}, {"git", {{"projects", {{"g/sub", "/repos/sub"}}}}}});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->git.projects.at("g/sub"), "/repos/sub");
  auto not_map = ParseJobSpec({{"script", "x"}, {"git", {{"projects", {"g/sub"}}}}});
  ASSERT_FALSE(not_map.ok());
  EXPECT_NE(not_map.status().message().find("git.projects must map project paths"), std::string::npos);
  auto no_slash = ParseJobSpec({{"script", "x"}, {"git", {{"projects", {{"sub", "/repos/sub"}}}}}});
  ASSERT_FALSE(no_slash.ok());
  EXPECT_NE(no_slash.status().message().find("git.projects.sub"), std::string::npos) << no_slash.status().ToString();
}

TEST(JobSpecTest, ArtifactsFromYamlShape) {
  auto s = ParseJobSpec({{"script", "x"},
                         {"artifacts", {{"paths", {"out/"}}, {"exclude", {"out/*.tmp"}}, {"expire_in", "1 week"},
                                        {"reports", {{"junit", "rspec.xml"}, {"sast", "sast.json"}}}}}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->artifacts.size(), 3u);
  EXPECT_EQ(s->artifacts[0]["artifact_type"], "archive");
  EXPECT_EQ(s->artifacts[0]["artifact_format"], "zip");
  EXPECT_EQ(s->artifacts[0]["exclude"], json({"out/*.tmp"}));
  EXPECT_FALSE(s->artifacts[0].contains("untracked"));
  EXPECT_EQ(s->artifacts[1], json({{"name", "junit.xml"}, {"paths", {"rspec.xml"}}, {"when", "always"},
                                   {"expire_in", "1 week"}, {"artifact_type", "junit"},
                                   {"artifact_format", "gzip"}}));
  EXPECT_EQ(s->artifacts[2]["artifact_format"], "raw");
  auto features = RequiredRunnerFeatures(*s);
  EXPECT_EQ(features, (std::vector<std::string>{"upload_multiple_artifacts", "artifacts_exclude"}));
}

TEST(JobSpecTest, CacheDefaults) {
  auto s = ParseJobSpec({{"script", "x"}, {"cache", {{"paths", {"vendor/"}}}}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->cache[0], json({{"key", "default"}, {"untracked", false}, {"paths", {"vendor/"}},
                               {"policy", "pull-push"}, {"when", "on_success"}}));
}

TEST(JobSpecTest, MergeRequestRefsNeedRefspecs) {
  auto s = ParseJobSpec({{"script", "x"}, {"git", {{"ref", "refs/merge-requests/3/head"}}}});
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(RequiredRunnerFeatures(*s), std::vector<std::string>{"refspecs"});
}

TEST(PayloadHelpersTest, Basics) {
  EXPECT_EQ(CredentialedUrl("http://h:1/g/p.git", "glcbt-x"), "http://gitlab-ci-token:glcbt-x@h:1/g/p.git");
  EXPECT_EQ(Slugify("Feature/Foo_Bar!"), "feature-foo-bar");
  EXPECT_EQ(TraceChecksum(""), "crc32:00000000");
  EXPECT_EQ(TraceChecksum("123456789"), "crc32:cbf43926");  // the CRC-32/IEEE check value
}

}  // namespace
}  // namespace coordinator
