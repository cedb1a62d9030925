// Cache in S3 (s3rver) and job artifacts through the embedded coordinator, end to end:
// real manager, shell executor, the `spotrunner helper` verbs on the job's side.
#include <sys/resource.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>

#include "cache/credential_source.h"
#include "cache/s3_presigner.h"
#include "cli/helper_command.h"
#include "gitlab/token.h"
#include "tests/integration/harness.h"
#include "tests/integration/s3rver.h"
#include "util/http_client.h"

namespace itest {
namespace {

using coordinator::JobState;
using nlohmann::json;

// Sets the [runners.cache] section of the [[runners]] entry register wrote to `toml`.
void SetCache(RunnerHarness& h, const std::string& toml) {
  std::string text = testutil::ReadFile(h.config_path());
  size_t a = text.find("[runners.cache]");
  if (a == std::string::npos) {  // register writes none for an empty cache config
    std::ofstream(h.config_path(), std::ios::trunc) << text << "\n" << toml;
    return;
  }
  size_t b = a;
  while (true) {
    b = text.find("\n[", b + 1);
    if (b == std::string::npos || text.compare(b + 1, 15, "[runners.cache.") != 0) break;
  }
  text = text.substr(0, a) + toml + (b == std::string::npos ? "" : text.substr(b));
  std::ofstream(h.config_path(), std::ios::trunc) << text;
}

int HttpStatus(const std::string& url) {
  util::HttpClient http;
  util::HttpRequest r;
  r.url = url;
  return http.Send(r).status;
}

json CacheEntry(const std::string& key, const std::string& policy = "pull-push", json fallback = json::array()) {
  json c = {{"key", key}, {"paths", {"vendor/"}}, {"policy", policy}, {"when", "on_success"}, {"untracked", false}};
  if (!fallback.empty()) c["fallback_keys"] = fallback;
  return json::array({c});
}

std::string ShortToken(RunnerHarness& h) { return gitlab::ShortToken(h.coord().ListRunners().at(0).token); }

std::string PayloadKey(const coordinator::JobRecord& job) { return job.payload["cache"][0]["key"].get<std::string>(); }

TEST(CacheArtifactsTest, S3CacheWrittenByOneRunnerIsRestoredByAnother) {
  S3rver s3("runner-cache");
  ASSERT_GT(s3.port(), 0) << "s3rver did not start (scripts/npm_deps.sh installs it)";

  RunnerHarness a("shell");
  SetCache(a, s3.CacheToml(false));
  a.StartManager();
  auto spec = RunnerHarness::Spec({"mkdir -p vendor/lib", "echo cached-bytes > vendor/lib/dep.txt"});
  spec.cache = CacheEntry("deps");
  auto job1 = a.Wait(a.Enqueue(spec));
  ASSERT_EQ(job1.state, JobState::kSuccess) << job1.trace;
  std::string key = PayloadKey(job1);
  EXPECT_NE(job1.trace.find("Creating cache " + key + "..."), std::string::npos) << job1.trace;
  EXPECT_NE(job1.trace.find("Created cache"), std::string::npos) << job1.trace;
  // The object name is gitlab-runner's, so an existing bucket keeps its hits.
  EXPECT_EQ(HttpStatus(s3.ObjectUrl("runner/" + ShortToken(a) + "/project/1/" + key)), 200);
  // No presigned URL signature or credential reaches the job log.
  EXPECT_EQ(job1.trace.find("X-Amz-Signature"), std::string::npos);
  EXPECT_EQ(job1.trace.find("S3RVER"), std::string::npos);

  // Shared = true: project/<id>/<key>, readable by another runner on another host.
  RunnerHarness shared_writer("shell");
  SetCache(shared_writer, s3.CacheToml(true));
  shared_writer.StartManager();
  auto job2 = shared_writer.Wait(shared_writer.Enqueue(spec));
  ASSERT_EQ(job2.state, JobState::kSuccess) << job2.trace;
  EXPECT_EQ(HttpStatus(s3.ObjectUrl("project/1/" + key)), 200);

  RunnerHarness b("shell");
  SetCache(b, s3.CacheToml(true));
  b.StartManager();
  auto reader = RunnerHarness::Spec({"cat vendor/lib/dep.txt"});
  reader.cache = CacheEntry("deps", "pull");
  auto job3 = b.Wait(b.Enqueue(reader));
  ASSERT_EQ(job3.state, JobState::kSuccess) << job3.trace;
  EXPECT_NE(job3.trace.find("Checking cache for " + key + "..."), std::string::npos) << job3.trace;
  EXPECT_NE(job3.trace.find("Successfully extracted cache"), std::string::npos) << job3.trace;
  EXPECT_NE(job3.trace.find("cached-bytes"), std::string::npos) << job3.trace;
  EXPECT_NE(job3.trace.find("Not uploading cache " + key + " due to policy"), std::string::npos) << job3.trace;
}

TEST(CacheArtifactsTest, CacheFallbackKeyAndPullPolicy) {
  S3rver s3("runner-cache");
  ASSERT_GT(s3.port(), 0);
  RunnerHarness h("shell");
  SetCache(h, s3.CacheToml(true));
  h.StartManager();
  auto writer = RunnerHarness::Spec({"mkdir -p vendor", "echo from-main > vendor/v.txt"});
  writer.cache = CacheEntry("main-branch");
  writer.git.protected_ref = false;  // a protected key may not be a CACHE_FALLBACK_KEY
  auto w = h.Wait(h.Enqueue(writer));
  ASSERT_EQ(w.state, JobState::kSuccess) << w.trace;
  std::string main_key = PayloadKey(w);

  // Pull-only job with a missing key: falls back to CACHE_FALLBACK_KEY, and never uploads
  // its own key. (fallback_keys entries need the runner to advertise fallback_cache_keys,
  // which the manager does not do yet; their script is covered by transfer_stages_test.)
  auto reader = RunnerHarness::Spec({"cat vendor/v.txt", "mkdir -p vendor && echo new > vendor/n"});
  reader.cache = CacheEntry("feature-x", "pull");
  reader.variables.push_back({"CACHE_FALLBACK_KEY", main_key, true, false, false, false});
  auto r = h.Wait(h.Enqueue(reader));
  ASSERT_EQ(r.state, JobState::kSuccess) << r.trace;
  std::string key = PayloadKey(r);
  EXPECT_NE(r.trace.find("Checking cache for " + key + "..."), std::string::npos) << r.trace;
  EXPECT_NE(r.trace.find("WARNING: Failed to download the cache: 404 Not Found"), std::string::npos) << r.trace;
  EXPECT_NE(r.trace.find("Checking cache for fallback key " + main_key + "..."), std::string::npos) << r.trace;
  EXPECT_NE(r.trace.find("from-main"), std::string::npos) << r.trace;
  EXPECT_NE(r.trace.find("Not uploading cache " + key + " due to policy"), std::string::npos) << r.trace;
  EXPECT_EQ(HttpStatus(s3.ObjectUrl("project/1/" + key)), 404);

  // A protected-looking CACHE_FALLBACK_KEY is ignored with a warning.
  auto env_fb = RunnerHarness::Spec({"true"});
  env_fb.cache = CacheEntry("other", "pull");
  env_fb.variables.push_back({"CACHE_FALLBACK_KEY", "main-protected", true, false, false, false});
  auto e = h.Wait(h.Enqueue(env_fb));
  ASSERT_EQ(e.state, JobState::kSuccess) << e.trace;
  EXPECT_NE(e.trace.find("CACHE_FALLBACK_KEY \"main-protected\" not allowed to end in \"-protected\""), std::string::npos)
      << e.trace;
}

// The first bytes of an object, read anonymously.
std::string ObjectHead(const S3rver& s3, const std::string& object) {
  util::HttpClient http;
  util::HttpRequest r;
  r.url = s3.ObjectUrl(object);
  auto resp = http.Send(r);
  return resp.status == 200 ? resp.body.substr(0, 4) : "HTTP " + std::to_string(resp.status);
}

// CACHE_COMPRESSION_FORMAT picks the format under the same object name, the restore finds
// it by its magic bytes; a job that changes nothing in its cache paths does not upload
// the cache again (gitlab-runner's "Archive is up to date!"), one that does, does.
TEST(CacheArtifactsTest, CompressionFormatAndUnchangedCacheIsNotUploadedAgain) {
  S3rver s3("runner-cache");
  ASSERT_GT(s3.port(), 0);
  RunnerHarness writer("shell");
  SetCache(writer, s3.CacheToml(true));
  writer.StartManager();
  auto spec = RunnerHarness::Spec({"mkdir -p vendor/lib", "echo version-1 > vendor/lib/dep.txt"});
  spec.cache = CacheEntry("deps");
  spec.variables.push_back({"CACHE_COMPRESSION_FORMAT", "tarzstd", true, false, false, false});
  spec.variables.push_back({"CACHE_COMPRESSION_LEVEL", "fastest", true, false, false, false});
  auto j1 = writer.Wait(writer.Enqueue(spec));
  ASSERT_EQ(j1.state, JobState::kSuccess) << j1.trace;
  std::string object = "project/1/" + PayloadKey(j1);
  EXPECT_NE(j1.trace.find("Uploading cache.zip to"), std::string::npos) << j1.trace;
  EXPECT_EQ(ObjectHead(s3, object), std::string("\x28\xB5\x2F\xFD", 4)) << "tar+zstd expected";

  // Another runner (another instance): restores the tar+zstd archive, changes nothing.
  RunnerHarness other("shell");
  SetCache(other, s3.CacheToml(true));
  other.StartManager();
  auto same = RunnerHarness::Spec({"cat vendor/lib/dep.txt"});
  same.cache = CacheEntry("deps");
  auto j2 = other.Wait(other.Enqueue(same));
  ASSERT_EQ(j2.state, JobState::kSuccess) << j2.trace;
  EXPECT_NE(j2.trace.find("Successfully extracted cache"), std::string::npos) << j2.trace;
  EXPECT_NE(j2.trace.find("version-1"), std::string::npos) << j2.trace;
  EXPECT_NE(j2.trace.find("Archive is up to date!"), std::string::npos) << j2.trace;
  EXPECT_EQ(j2.trace.find("Uploading cache.zip"), std::string::npos) << j2.trace;
  EXPECT_EQ(ObjectHead(s3, object), std::string("\x28\xB5\x2F\xFD", 4));

  // A changed file: archived again (zip, the default) and uploaded.
  auto changed = RunnerHarness::Spec({"sleep 1", "echo version-2 > vendor/lib/dep.txt"});
  changed.cache = CacheEntry("deps");
  auto j3 = other.Wait(other.Enqueue(changed));
  ASSERT_EQ(j3.state, JobState::kSuccess) << j3.trace;
  EXPECT_EQ(j3.trace.find("Archive is up to date!"), std::string::npos) << j3.trace;
  EXPECT_NE(j3.trace.find("Uploading cache.zip to"), std::string::npos) << j3.trace;
  EXPECT_EQ(ObjectHead(s3, object).substr(0, 2), "PK");

  auto check = RunnerHarness::Spec({"cat vendor/lib/dep.txt"});
  check.cache = CacheEntry("deps", "pull");
  auto j4 = writer.Wait(writer.Enqueue(check));
  ASSERT_EQ(j4.state, JobState::kSuccess) << j4.trace;
  EXPECT_NE(j4.trace.find("version-2"), std::string::npos) << j4.trace;
}

TEST(CacheArtifactsTest, CacheFailuresWarnButNeverFailTheJob) {
  S3rver s3("runner-cache");
  ASSERT_GT(s3.port(), 0);
  struct Case {
    std::string toml, expect;
  };
  std::vector<Case> cases = {
      {s3.CacheToml(true, "S3RVER", "no-such-bucket"), "NoSuchBucket"},
      {s3.CacheToml(true, "WRONGKEY"), "InvalidAccessKeyId"},
  };
  for (const Case& c : cases) {
    RunnerHarness h("shell");
    SetCache(h, c.toml);
    h.StartManager();
    auto spec = RunnerHarness::Spec({"mkdir -p vendor", "echo x > vendor/x"});
    spec.cache = CacheEntry("k");
    auto job = h.Wait(h.Enqueue(spec));
    EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
    EXPECT_NE(job.trace.find("WARNING: Failed to download the cache"), std::string::npos) << job.trace;
    EXPECT_NE(job.trace.find("WARNING: Failed to upload the cache"), std::string::npos) << job.trace;
    EXPECT_NE(job.trace.find(c.expect), std::string::npos) << job.trace;
  }
}

TEST(CacheArtifactsTest, ExpiredPresignedUrlsAreRefusedWithAClearMessage) {
  S3rver s3("runner-cache");
  ASSERT_GT(s3.port(), 0);
  config::CacheS3Config cfg;
  cfg.server_address = s3.address();
  cfg.access_key = cfg.secret_key = "S3RVER";
  cfg.bucket_name = "runner-cache";
  cfg.insecure = true;
  util::ManualClock past(util::SystemClock::Get().Now() - std::chrono::hours(2));
  auto source = cache::MakeCredentialSource(cfg, past);
  ASSERT_OK(source);
  auto presigner = cache::S3Presigner::Create(cfg, *source, past);
  ASSERT_OK(presigner);
  testutil::TempDir dir;
  std::ofstream(dir.path() / "f.txt") << "x";
  auto put = presigner->Put("project/1/k", "k", std::chrono::seconds(60));
  ASSERT_OK(put);
  cli::CacheTransferOptions o;
  o.file = (dir.path() / "cache/cache.zip").string();
  o.paths = {"f.txt"};
  o.url = put->url;
  for (const auto& [k, v] : put->headers) o.headers.push_back(k + ": " + v);
  std::ostringstream log;
  EXPECT_EQ(cli::RunCacheArchiver(o, dir.path().string(), log), 1);
  EXPECT_NE(log.str().find("WARNING: Failed to upload the cache: 403 Forbidden (AccessDenied: Request has expired)"),
            std::string::npos) << log.str();
  auto get = presigner->Get("project/1/k", std::chrono::seconds(60));
  ASSERT_OK(get);
  o.url = get->url;
  std::ostringstream log2;
  EXPECT_EQ(cli::RunCacheExtractor(o, dir.path().string(), log2), 1);
  EXPECT_NE(log2.str().find("403 Forbidden (AccessDenied: Request has expired)"), std::string::npos) << log2.str();
  EXPECT_EQ(log2.str().find("X-Amz-Signature"), std::string::npos);
}

TEST(CacheArtifactsTest, ArtifactsPassFromJobToDependentJob) {
  RunnerHarness h("shell");
  h.StartManager();
  auto build = RunnerHarness::Spec({"mkdir -p out/sub", "echo artifact-data > out/sub/a.txt", "echo tmp > out/x.tmp",
                                    "echo '<testsuites/>' > rspec.xml"});
  build.name = "build";
  build.artifacts = json::array({{{"name", "bin-$CI_JOB_NAME"}, {"paths", {"out/"}}, {"when", "on_success"},
                                  {"expire_in", "1 week"}, {"artifact_type", "archive"}, {"artifact_format", "zip"}}});
  int64_t id1 = h.Enqueue(build);
  auto j1 = h.Wait(id1);
  ASSERT_EQ(j1.state, JobState::kSuccess) << j1.trace;
  EXPECT_NE(j1.trace.find("Uploading artifacts as \"archive\" to coordinator... 201 Created"), std::string::npos) << j1.trace;
  EXPECT_NE(j1.trace.find("out/: found 4 matching artifact files and directories"), std::string::npos) << j1.trace;
  auto stored = h.coord().artifact_store().List(id1);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].filename, "bin-build.zip");
  EXPECT_EQ(stored[0].expire_in, "1 week");
  // Admin view over HTTP.
  util::HttpClient http;
  util::HttpRequest list;
  list.url = h.url() + "/admin/jobs/" + std::to_string(id1) + "/artifacts";
  auto listed = json::parse(http.Send(list).body);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["artifact_type"], "archive");

  auto test = RunnerHarness::Spec({"cat out/sub/a.txt", "test -e out/x.tmp"});
  test.name = "test";
  test.dependencies = json::array({id1});
  auto j2 = h.Wait(h.Enqueue(test));
  ASSERT_EQ(j2.state, JobState::kSuccess) << j2.trace;
  EXPECT_NE(j2.trace.find("Downloading artifacts for build (" + std::to_string(id1) + ")..."), std::string::npos) << j2.trace;
  EXPECT_NE(j2.trace.find("Downloading artifacts from coordinator... ok"), std::string::npos) << j2.trace;
  EXPECT_NE(j2.trace.find("artifact-data"), std::string::npos) << j2.trace;
}

// exclude and reports: the runner advertises artifacts_exclude and
// upload_multiple_artifacts, so the coordinator hands such a job out (GitLab withholds it
// otherwise); the report is a second upload, the excluded file is not in the archive.
TEST(CacheArtifactsTest, ExcludeAndReports) {
  RunnerHarness h("shell");
  h.StartManager();
  auto build = RunnerHarness::Spec({"mkdir -p out", "echo keep > out/a.txt", "echo drop > out/x.tmp",
                                    "echo '<testsuites/>' > rspec.xml"});
  build.name = "build";
  build.artifacts = json::array(
      {{{"paths", {"out/"}}, {"exclude", {"out/*.tmp"}}, {"when", "on_success"}, {"artifact_type", "archive"},
        {"artifact_format", "zip"}},
       {{"paths", {"rspec.xml"}}, {"when", "always"}, {"artifact_type", "junit"}, {"artifact_format", "gzip"}}});
  int64_t id1 = h.Enqueue(build);
  auto j1 = h.Wait(id1);
  ASSERT_EQ(j1.state, JobState::kSuccess) << j1.trace;
  auto stored = h.coord().artifact_store().List(id1);
  ASSERT_EQ(stored.size(), 2u) << j1.trace;
  std::set<std::string> types = {stored[0].artifact_type, stored[1].artifact_type};
  EXPECT_EQ(types, (std::set<std::string>{"archive", "junit"}));

  // The archive itself, listed by Info-ZIP's unzip.
  const auto& zip = stored[0].artifact_type == "archive" ? stored[0] : stored[1];
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(("unzip -l " + zip.path.string()).c_str(), "r"), pclose);
  std::string listing;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p.get())) > 0) listing.append(buf, n);
  EXPECT_NE(listing.find("out/a.txt"), std::string::npos) << listing;
  EXPECT_EQ(listing.find("out/x.tmp"), std::string::npos) << listing;
}

TEST(CacheArtifactsTest, ArtifactFailuresFailTheJob) {
  RunnerHarness h("shell");
  h.StartManager();
  h.coord().artifact_store().set_max_size(1000);
  auto big = RunnerHarness::Spec({"head -c 200000 /dev/urandom > big.bin"});
  big.artifacts = json::array({{{"paths", {"big.bin"}}, {"when", "on_success"}, {"artifact_type", "archive"},
                                {"artifact_format", "zip"}}});
  auto j = h.Wait(h.Enqueue(big));
  EXPECT_EQ(j.state, JobState::kFailed) << j.trace;
  EXPECT_NE(j.trace.find("too large archive"), std::string::npos) << j.trace;
  EXPECT_NE(j.trace.find("413 Request Entity Too Large"), std::string::npos) << j.trace;
}

TEST(CacheArtifactsTest, ArchiveLargerThanMemoryStreamsBothWays) {
  RunnerHarness h("shell");
  h.StartManager();
  h.coord().artifact_store().set_max_size(int64_t{1} << 31);
  const int mb = 300;
  auto build = RunnerHarness::Spec({"head -c " + std::to_string(mb) + "M /dev/urandom > big.bin",
                                    "cksum big.bin | cut -d' ' -f1 > big.sum"});
  build.artifacts = json::array({{{"paths", {"big.bin", "big.sum"}}, {"when", "on_success"},
                                  {"artifact_type", "archive"}, {"artifact_format", "zip"}}});
  build.variables.push_back({"ARTIFACT_COMPRESSION_LEVEL", "fastest", true, false, false, false});
  int64_t id1 = h.Enqueue(build);
  auto j1 = h.Wait(id1, 300);
  ASSERT_EQ(j1.state, JobState::kSuccess) << j1.trace;
  auto test = RunnerHarness::Spec({"test \"$(cksum big.bin | cut -d' ' -f1)\" = \"$(cat big.sum)\"", "echo sums-match"});
  test.dependencies = json::array({id1});
  auto j2 = h.Wait(h.Enqueue(test), 300);
  ASSERT_EQ(j2.state, JobState::kSuccess) << j2.trace;
  EXPECT_NE(j2.trace.find("sums-match"), std::string::npos) << j2.trace;
  // Every process the jobs started (helper verbs included) has been reaped by now; the
  // largest of them stayed far below the archive's size.
  rusage ru{};
  getrusage(RUSAGE_CHILDREN, &ru);
  EXPECT_LT(ru.ru_maxrss, 100 * 1024) << "largest child RSS in KiB";
}

}  // namespace
}  // namespace itest
