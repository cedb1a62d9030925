// Docker jobs of a real `spotrunner run` whose image is in a registry with authentication:
// Debian's docker-registry with htpasswd (bcrypt) on 127.0.0.1:5001, started by
// scripts/registry.sh (services.sh), which writes its one account to
// <registry dir>/private/credentials as user:password. The runner pulls with pull_policy
// "always", so every job makes the Engine ask the registry; the pulled tag is removed before
// and after each test. Also: the docker.io mirror the same script fills answers for
// library/alpine:latest.
#include <signal.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <regex>

#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"
#include "util/http_client.h"

namespace itest {
namespace {

using coordinator::JobState;

constexpr char kRegistry[] = "127.0.0.1:5001";
constexpr char kImage[] = "127.0.0.1:5001/private/alpine:latest";
constexpr char kMirror[] = "http://10.254.254.1:5000";
constexpr char kNotStarted[] = "(the registries are started by scripts/services.sh, which runs scripts/registry.sh)";

std::string RegistryDir() {
  const char* d = std::getenv("SR_REGISTRY_DIR");
  return d != nullptr && *d != '\0' ? d : "/var/lib/spotrunner-registry";
}

std::string Base64(const std::string& in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<uint8_t>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<uint8_t>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

// The host Engine (scripts/services.sh's dockerd).
class HostEngine {
 public:
  HostEngine() {
    auto d = executor::docker::DialerForHost(executor::docker::EffectiveDockerHost(""));
    if (d.ok()) {
      dialer_ = std::move(*d);
      engine_ = std::make_unique<executor::docker::EngineClient>(*dialer_);
    }
  }
  bool Answers() { return engine_ && engine_->Ping().ok(); }
  bool HasImage(const std::string& ref) { return engine_ && engine_->InspectImage(ref).ok(); }
  util::Status RemoveImage(const std::string& ref) {
    return engine_ ? engine_->RemoveImage(ref) : util::Status::Unavailable("no Docker Engine");
  }
  util::Result<std::string> ImageId(const std::string& ref) {
    if (!engine_) return util::Status::Unavailable("no Docker Engine");
    auto info = engine_->InspectImage(ref);
    if (!info.ok()) return info.status();
    return info->id;
  }

 private:
  std::unique_ptr<util::StreamDialer> dialer_;
  std::unique_ptr<executor::docker::EngineClient> engine_;
};

class RegistryPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(engine_.Answers()) << "no Docker Engine " << kNotStarted;
    std::string line = testutil::ReadFile(RegistryDir() + "/private/credentials");
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    auto colon = line.find(':');
    ASSERT_NE(colon, std::string::npos) << "no user:password in " << RegistryDir() << "/private/credentials "
                                        << kNotStarted;
    user_ = line.substr(0, colon);
    password_ = line.substr(colon + 1);
    util::HttpClient http;
    util::HttpRequest ping;
    ping.url = std::string("http://") + kRegistry + "/v2/";
    ping.timeout = std::chrono::seconds(5);
    auto pong = http.Send(ping);
    ASSERT_EQ(pong.status, 401) << "the private registry does not ask for credentials on " << ping.url << " "
                                << kNotStarted;

    (void)engine_.RemoveImage(kImage);  // so that the job's pull is the one that brings it
    ASSERT_FALSE(engine_.HasImage(kImage));

    h_ = std::make_unique<RunnerHarness>("docker", "alpine:latest");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    std::string text = testutil::ReadFile(h_->config_path());
    auto pos = text.find("[runners.docker]");
    ASSERT_NE(pos, std::string::npos) << text;
    text.insert(pos + 16, "\n    network_mode = \"none\"");
    text = std::regex_replace(text, std::regex(R"(pull_policy = [^\n]*)"), R"(pull_policy = ["always"])");
    std::ofstream(h_->config_path()) << text;
    auto loaded = config::LoadConfigFile(h_->config_path());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    ASSERT_EQ(loaded->config.runners.at(0).docker.pull_policy, std::vector<std::string>{"always"}) << text;

    // The runner's own home (no ~/.docker/config.json unless a test writes one) and a bin dir
    // first on its PATH for credential helpers.
    home_ = h_->dir() / "home";
    bin_ = h_->dir() / "bin";
    std::filesystem::create_directories(home_ / ".docker");
    std::filesystem::create_directories(bin_);
  }

  void TearDown() override {
    if (runner_) {  // SIGQUIT: `run` ends once its jobs (and their containers' removal) are done
      runner_->Signal(SIGQUIT);
      EXPECT_TRUE(runner_->WaitExit(std::chrono::seconds(60)).has_value()) << Log();
    }
    runner_.reset();
    h_.reset();
    (void)engine_.RemoveImage(kImage);
  }

  void StartRunner() {
    const char* path = std::getenv("PATH");
    runner_ = std::make_unique<RunnerProcess>(
        h_->config_path(), h_->dir().string(), (h_->dir() / "run.log").string(), std::vector<std::string>{},
        std::vector<std::string>{"HOME=" + home_.string(),
                                 "PATH=" + bin_.string() + ":" + (path != nullptr ? path : "/usr/bin:/bin"),
                                 "DOCKER_AUTH_CONFIG="});
  }

  std::string AuthConfig(const std::string& password) const {
    return R"({"auths": {")" + std::string(kRegistry) + R"(": {"auth": ")" + Base64(user_ + ":" + password) + R"("}}})";
  }

  // `gitlab_password`: GitLab's registry credentials in the payload for kRegistry ("" = none).
  coordinator::JobRecord RunJob(const std::string& docker_auth_config, const std::string& gitlab_password = "") {
    auto spec = RunnerHarness::Spec({"echo ran-in-the-private-image $(head -1 /etc/os-release)"});
    spec.image = nlohmann::json{{"name", kImage}};
    if (!gitlab_password.empty()) {
      spec.credentials.push_back(
          {{"type", "registry"}, {"url", kRegistry}, {"username", user_}, {"password", gitlab_password}});
    }
    if (!docker_auth_config.empty()) {
      spec.variables.push_back({"DOCKER_AUTH_CONFIG", docker_auth_config, false, false, false, false});
    }
    return h_->Wait(h_->Enqueue(spec), 180);
  }

  std::string Log() { return testutil::ReadFile((h_->dir() / "run.log").string()); }

  // A job that pulled the image and ran in it; no credential in its trace.
  void ExpectPulledAndRan(const coordinator::JobRecord& job) {
    EXPECT_EQ(job.state, JobState::kSuccess) << job.trace << Log();
    EXPECT_NE(job.trace.find(std::string("Pulling docker image ") + kImage + " ..."), std::string::npos) << job.trace;
    EXPECT_NE(job.trace.find(std::string("Using docker image sha256:")), std::string::npos) << job.trace;
    EXPECT_NE(job.trace.find("\nran-in-the-private-image NAME="), std::string::npos) << job.trace;
    EXPECT_EQ(job.trace.find(password_), std::string::npos) << job.trace;
    EXPECT_TRUE(engine_.HasImage(kImage));
  }

  // A job whose pull the registry refused: a system failure naming the image and the refusal.
  void ExpectRefused(const coordinator::JobRecord& job, const std::string& refusal) {
    EXPECT_EQ(job.state, JobState::kFailed) << job.trace << Log();
    EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
    EXPECT_NE(job.trace.find(std::string("Pulling docker image ") + kImage + " ..."), std::string::npos) << job.trace;
    EXPECT_NE(job.trace.find(std::string("ERROR: Job failed (system failure): failed to pull image \"") + kImage +
                             "\" with specified policies [always]: "),
              std::string::npos)
        << job.trace;
    EXPECT_NE(job.trace.find(refusal), std::string::npos) << job.trace;
    EXPECT_EQ(job.trace.find("ran-in-the-private-image"), std::string::npos) << job.trace;
    EXPECT_FALSE(engine_.HasImage(kImage));
  }

  HostEngine engine_;
  std::unique_ptr<RunnerHarness> h_;
  std::unique_ptr<RunnerProcess> runner_;
  std::filesystem::path home_, bin_;
  std::string user_, password_;
};

TEST_F(RegistryPullTest, DockerAuthConfigWithTheRightPasswordPulls) {
  StartRunner();
  ExpectPulledAndRan(RunJob(AuthConfig(password_)));
}

TEST_F(RegistryPullTest, DockerAuthConfigWithAWrongPasswordIsRefused) {
  StartRunner();
  auto job = RunJob(AuthConfig(password_ + "-wrong"));
  ExpectRefused(job, "unauthorized: authentication required");
  EXPECT_EQ(job.trace.find(password_ + "-wrong"), std::string::npos) << job.trace;
}

TEST_F(RegistryPullTest, NoCredentialsIsRefused) {
  StartRunner();
  ExpectRefused(RunJob(""), "no basic auth credentials");
}

// GitLab's own registry credentials (`credentials[]` of the payload, as GitLab sends for its
// container registry with the job token) pull when nothing else names the registry, and a
// job's DOCKER_AUTH_CONFIG for that registry comes first, as in gitlab-runner.
TEST_F(RegistryPullTest, GitLabRegistryCredentialsOfThePayloadPull) {
  StartRunner();
  ExpectPulledAndRan(RunJob("", password_));
  ASSERT_TRUE(WaitUntil([&] { return engine_.RemoveImage(kImage).ok(); }, std::chrono::seconds(30)));
  ExpectRefused(RunJob(AuthConfig(password_ + "-wrong"), password_), "unauthorized: authentication required");
}

// The runner user's ~/.docker/config.json names a credential helper for the registry: it is
// run with the registry on stdin, and what it answers is used.
TEST_F(RegistryPullTest, CredentialHelperOfTheHomeConfigPulls) {
  std::filesystem::path helper = bin_ / "docker-credential-srtest";
  std::ofstream(helper) << "#!/bin/sh\n"
                        << "[ \"$1\" = get ] || exit 2\n"
                        << "read -r registry\n"
                        << "echo \"$registry\" >>\"" << (h_->dir() / "helper-asked").string() << "\"\n"
                        << "[ \"$registry\" = " << kRegistry << " ] || { echo 'credentials not found' >&2; exit 1; }\n"
                        << "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}\\n' \"$registry\" '"
                        << user_ << "' '" << password_ << "'\n";
  ASSERT_EQ(chmod(helper.c_str(), 0755), 0);
  std::ofstream(home_ / ".docker" / "config.json") << R"({"credHelpers": {")" << kRegistry << R"(": "srtest"}})";
  StartRunner();
  ExpectPulledAndRan(RunJob(""));
  EXPECT_EQ(testutil::ReadFile((h_->dir() / "helper-asked").string()), std::string(kRegistry) + "\n");
}

// `auths` of the runner user's ~/.docker/config.json, and the job's DOCKER_AUTH_CONFIG winning
// over it for the same registry.
TEST_F(RegistryPullTest, HomeConfigAuthsPullUnlessTheJobVariableSaysOtherwise) {
  std::ofstream(home_ / ".docker" / "config.json") << AuthConfig(password_);
  StartRunner();
  ExpectPulledAndRan(RunJob(""));
  // The job's final state can reach GitLab before its containers are removed.
  ASSERT_TRUE(WaitUntil([&] { return engine_.RemoveImage(kImage).ok(); }, std::chrono::seconds(30)));
  ExpectRefused(RunJob(AuthConfig(password_ + "-wrong")), "unauthorized: authentication required");
}

// What an Engine with "registry-mirrors": ["http://10.254.254.1:5000"] asks for `docker pull
// alpine:latest` is there, as a schema2 manifest.
TEST(RegistryMirrorTest, HoldsDockerIoAlpineAsASchema2Manifest) {
  util::HttpClient http;
  util::HttpRequest req;
  req.url = std::string(kMirror) + "/v2/library/alpine/manifests/latest";
  req.headers.Add("Accept", "application/vnd.docker.distribution.manifest.v2+json");
  req.timeout = std::chrono::seconds(10);
  auto r = http.Send(req);
  ASSERT_EQ(r.status, 200) << req.url << ": " << r.body << " " << kNotStarted;
  EXPECT_EQ(r.headers.GetOr("Content-Type"), "application/vnd.docker.distribution.manifest.v2+json");
  auto manifest = nlohmann::json::parse(r.body, nullptr, false);
  ASSERT_TRUE(manifest.is_object()) << r.body;
  EXPECT_EQ(manifest.value("schemaVersion", 0), 2) << r.body;
  ASSERT_TRUE(manifest["layers"].is_array() && !manifest["layers"].empty()) << r.body;
  // The mirror's copy is the host Engine's alpine:latest: its config is that image's id.
  auto local = HostEngine().ImageId("alpine:latest");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_EQ(manifest["config"].value("digest", ""), *local) << r.body;

  // A layer blob is served too (what the pull fetches next).
  util::HttpRequest blob;
  blob.method = "HEAD";
  blob.url = std::string(kMirror) + "/v2/library/alpine/blobs/" + manifest["layers"][0].value("digest", "");
  blob.timeout = std::chrono::seconds(10);
  EXPECT_EQ(http.Send(blob).status, 200) << blob.url;
}

}  // namespace
}  // namespace itest
