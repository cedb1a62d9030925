#include "job/transfer_stages.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include "util/testing/test_util.h"

namespace job {
namespace {

class TransferStagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    job_.id = 42;
    job_.job_info.name = "build";
    job_.job_info.project_id = 7;
    job_.git_info.ref = "main";
    gitlab::Cache c;
    c.key = "deps-$FLAVOR";
    c.paths = {"vendor/"};
    c.fallback_keys = {"deps-main"};
    job_.cache.push_back(c);
    gitlab::JobVariable v;
    v.key = "FLAVOR";
    v.value = "debug";
    job_.variables.push_back(v);
    RunnerContext ctx;
    ctx.project_dir = "/builds/g/p";
    vars_ = JobVariables::Build(job_, runner_, ctx);
    c_.job = &job_;
    c_.vars = &vars_;
    c_.runner = &runner_;
    c_.helper = "/usr/bin/spotrunner";
    c_.cache_dir = "/cache";
    c_.project_path = "g/p";
    c_.short_token = "tok";
  }
  std::string Text(const std::optional<ScriptBody>& body) {
    if (!body) return "<none>";
    ShellWriter w("sh");
    (*body)(w);
    return w.str();
  }
  gitlab::JobPayload job_;
  config::RunnerConfig runner_;
  JobVariables vars_;
  TransferContext c_;
};

TEST_F(TransferStagesTest, LocalCacheRestoreWithFallback) {
  std::string s = Text(RestoreCacheBody(c_));
  EXPECT_NE(s.find("Checking cache for deps-debug..."), std::string::npos) << s;
  EXPECT_NE(s.find("'/usr/bin/spotrunner' 'helper' 'cache-extractor' '--file' '/cache/g/p/deps-debug/cache.zip'"),
            std::string::npos) << s;
  EXPECT_NE(s.find("Checking cache for fallback key deps-main..."), std::string::npos) << s;
  EXPECT_EQ(s.find("--url"), std::string::npos) << s;
}

// CACHE_FALLBACK_KEY that sanitises to a "-protected" key never reaches the extractor.
TEST_F(TransferStagesTest, ProtectedFallbackKeyRefusedInEverySpelling) {
  for (std::string v : {"main-protected", "main-protected/", "main-protected%2F", "main-protected/x/..",
                        "main-protected\\"}) {
    vars_.Set("CACHE_FALLBACK_KEY", v);
    std::string s = Text(RestoreCacheBody(c_));
    EXPECT_EQ(s.find("/cache/g/p/main-protected/cache.zip"), std::string::npos) << v << "\n" << s;
    EXPECT_NE(s.find("not allowed to end in"), std::string::npos) << v << "\n" << s;
  }
  vars_.Set("CACHE_FALLBACK_KEY", "main-unprotected/");
  std::string s = Text(RestoreCacheBody(c_));
  EXPECT_NE(s.find("'/cache/g/p/main-unprotected/cache.zip'"), std::string::npos) << s;
}

TEST_F(TransferStagesTest, PoliciesAndWhen) {
  job_.cache[0].policy = "push";
  EXPECT_NE(Text(RestoreCacheBody(c_)).find("Not downloading cache deps-debug due to policy"), std::string::npos);
  job_.cache[0].policy = "pull";
  EXPECT_NE(Text(ArchiveCacheBody(c_, true)).find("Not uploading cache deps-debug due to policy"), std::string::npos);
  job_.cache[0].policy = "";
  std::string a = Text(ArchiveCacheBody(c_, true));
  EXPECT_NE(a.find("'cache-archiver' '--file' '/cache/g/p/deps-debug/cache.zip' '--timeout' '10' '--path' 'vendor/'"),
            std::string::npos) << a;
  EXPECT_EQ(Text(ArchiveCacheBody(c_, false)), "<none>");  // when: on_success
  job_.cache[0].when = "always";
  EXPECT_NE(Text(ArchiveCacheBody(c_, false)), "<none>");
  job_.cache.clear();
  EXPECT_EQ(Text(RestoreCacheBody(c_)), "<none>");
}

TEST_F(TransferStagesTest, S3UrlsArePresignedForEachKey) {
  util::ManualClock clock(util::SystemClock::Get().Now());
  runner_.cache.type = "s3";
  runner_.cache.s3.server_address = "127.0.0.1:9000";
  runner_.cache.s3.access_key = "AK";
  runner_.cache.s3.secret_key = "SECRETKEY";
  runner_.cache.s3.bucket_name = "b";
  runner_.cache.s3.insecure = true;
  TransferSetup setup(job_, vars_, runner_, "shell", "/b/builds", "tok", "g/p", 600, clock);
  ASSERT_EQ(setup.warning, "");
  std::string r = Text(RestoreCacheBody(setup.ctx));
  EXPECT_NE(r.find("'--url' 'http://127.0.0.1:9000/b/runner/tok/project/7/deps-debug?"), std::string::npos) << r;
  EXPECT_NE(r.find("'--url' 'http://127.0.0.1:9000/b/runner/tok/project/7/deps-main?"), std::string::npos) << r;
  EXPECT_NE(r.find("X-Amz-Expires=600"), std::string::npos) << r;
  std::string a = Text(ArchiveCacheBody(setup.ctx, true));
  EXPECT_NE(a.find("'--header' 'x-amz-meta-cachekey: deps-debug'"), std::string::npos) << a;
  EXPECT_EQ(a.find("SECRETKEY"), std::string::npos);
  EXPECT_EQ(setup.ctx.cache_dir, "/b/cache");
}

// AuthenticationType iam: the manager's keys come from its credential chain (here a shared
// credentials file named by the environment); the job's script gets presigned URLs only.
TEST_F(TransferStagesTest, IamCredentialsStayOnTheManager) {
  testutil::TempDir home;
  std::string file = (home.path() / "credentials").string();
  std::ofstream(file) << "[default]\naws_access_key_id = AKIAFROMFILE\naws_secret_access_key = FILESECRETKEY\n";
  const char* names[] = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                         "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_EC2_METADATA_DISABLED", "HOME"};
  std::map<std::string, std::optional<std::string>> saved;
  for (const char* n : names) {
    const char* v = std::getenv(n);
    saved[n] = v ? std::optional<std::string>(v) : std::nullopt;
    unsetenv(n);
  }
  setenv("AWS_SHARED_CREDENTIALS_FILE", file.c_str(), 1);
  setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  setenv("HOME", home.path().c_str(), 1);
  util::ManualClock clock(util::SystemClock::Get().Now());
  runner_.cache.type = "s3";
  runner_.cache.s3.server_address = "127.0.0.1:9000";
  runner_.cache.s3.bucket_name = "b";
  runner_.cache.s3.insecure = true;
  runner_.cache.s3.authentication_type = "iam";
  TransferSetup setup(job_, vars_, runner_, "shell", "/b/builds", "tok", "g/p", 600, clock);
  std::string r = Text(RestoreCacheBody(setup.ctx));
  std::string a = Text(ArchiveCacheBody(setup.ctx, true));
  for (const auto& [n, v] : saved) {
    if (v) {
      setenv(n.c_str(), v->c_str(), 1);
    } else {
      unsetenv(n.c_str());
    }
  }
  ASSERT_EQ(setup.warning, "");
  EXPECT_NE(r.find("X-Amz-Credential=AKIAFROMFILE%2F"), std::string::npos) << r;
  EXPECT_NE(a.find("X-Amz-Credential=AKIAFROMFILE%2F"), std::string::npos) << a;
  EXPECT_EQ(r.find("FILESECRETKEY"), std::string::npos);
  EXPECT_EQ(a.find("FILESECRETKEY"), std::string::npos);
  EXPECT_EQ(a.find("AWS_"), std::string::npos) << a;
}

TEST_F(TransferStagesTest, ArtifactsAndDependencies) {
  gitlab::Artifact art;
  art.name = "bin-$FLAVOR";
  art.paths = {"out/"};
  art.exclude = {"out/*.tmp"};
  art.artifact_type = "archive";
  art.artifact_format = "zip";
  art.expire_in = "1 week";
  job_.artifacts.push_back(art);
  std::string u = Text(UploadArtifactsBody(c_, true));
  EXPECT_NE(u.find("'artifacts-uploader' '--id' '42' '--path' 'out/' '--exclude' 'out/*.tmp' '--artifact-format' 'zip' "
                   "'--artifact-type' 'archive' '--expire-in' '1 week' '--name' 'bin-debug' || sr_upload_failed=1"),
            std::string::npos) << u;
  EXPECT_EQ(Text(UploadArtifactsBody(c_, false)), "<none>");
  gitlab::Dependency d;
  d.id = 5;
  d.name = "compile";
  d.token = "dep-token";
  job_.dependencies.push_back(d);
  EXPECT_EQ(Text(DownloadArtifactsBody(c_)), "<none>");  // no artifacts_file
  job_.dependencies[0].artifacts_filename = "artifacts.zip";
  std::string dl = Text(DownloadArtifactsBody(c_));
  EXPECT_NE(dl.find("Downloading artifacts for compile (5)..."), std::string::npos) << dl;
  EXPECT_NE(dl.find("CI_JOB_TOKEN='dep-token' '/usr/bin/spotrunner' 'helper' 'artifacts-downloader' '--id' '5'"),
            std::string::npos) << dl;
}

}  // namespace
}  // namespace job
