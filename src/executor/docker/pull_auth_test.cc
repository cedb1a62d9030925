// The credentials resolved for a job reach the Engine as X-Registry-Auth on the pulls of the
// job's image and its services' (real daemon of scripts/services.sh; the registry is an
// unreachable address, so each pull is sent and then fails).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>

#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_testing.h"
#include "executor/docker/image_ref.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

// Passes streams through and records the head (request line and headers) of each request.
class HeadDialer final : public util::StreamDialer {
 public:
  explicit HeadDialer(std::unique_ptr<util::StreamDialer> inner, std::vector<std::string>* heads, std::mutex* mu)
      : inner_(std::move(inner)), heads_(heads), mu_(mu) {}
  util::Result<std::unique_ptr<util::ByteStream>> Dial() override {
    auto s = inner_->Dial();
    if (!s.ok()) return s.status();
    return std::unique_ptr<util::ByteStream>(std::make_unique<Stream>(std::move(*s), this));
  }

 private:
  class Stream final : public util::ByteStream {
   public:
    Stream(std::unique_ptr<util::ByteStream> inner, HeadDialer* d) : inner_(std::move(inner)), d_(d) {}
    util::Status WriteAll(std::string_view data) override {
      if (first_) {
        first_ = false;
        std::lock_guard<std::mutex> l(*d_->mu_);
        d_->heads_->emplace_back(data.substr(0, data.find("\r\n\r\n")));
      }
      return inner_->WriteAll(data);
    }
    util::Result<size_t> Read(char* buf, size_t cap) override { return inner_->Read(buf, cap); }
    util::Status CloseWrite() override { return inner_->CloseWrite(); }
    void Close() override { inner_->Close(); }

   private:
    std::unique_ptr<util::ByteStream> inner_;
    HeadDialer* d_;
    bool first_ = true;
  };
  std::unique_ptr<util::StreamDialer> inner_;
  std::vector<std::string>* heads_;
  std::mutex* mu_;
};

class PullAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto probe = testing::LocalDaemon();
    ASSERT_TRUE(probe);
    ASSERT_TRUE(EngineClient(*probe).Ping().ok()) << testing::kNoDaemon;
    // No ~/.docker/config.json of the test host, and helpers from the temp dir.
    old_home_ = std::getenv("HOME") ? std::getenv("HOME") : "";
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("HOME", dir_.path().c_str(), 1);
    setenv("PATH", (dir_.path().string() + ":" + old_path_).c_str(), 1);
    cfg_.executor = "docker";
    cfg_.docker.network_mode = "none";
    cfg_.docker.pull_policy = {"if-not-present"};
    std::mt19937 rng(std::random_device{}());
    req_.job_id = 100000 + static_cast<int64_t>(rng() % 900000);
    req_.runner_short_token = "pa" + std::to_string(getpid()) + "x" + std::to_string(rng() % 100000);
  }
  void TearDown() override {
    setenv("HOME", old_home_.c_str(), 1);
    setenv("PATH", old_path_.c_str(), 1);
  }
  util::Status Prepare() {
    DockerExecutor ex(cfg_, std::make_unique<HeadDialer>(testing::LocalDaemon(), &heads_, &mu_));
    class Discard final : public OutputSink {
     public:
      void Write(std::string_view) override {}
    } out;
    util::CancelToken cancel;
    util::Status s = ex.Prepare(req_, out, cancel);
    ex.Cleanup();
    return s;
  }
  // The head of the pull of `image` ("" = none was sent).
  std::string PullHead(const std::string& image) {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& h : heads_) {
      if (h.rfind("POST ", 0) == 0 && h.find("/images/create?fromImage=" + image) != std::string::npos) return h;
    }
    return "";
  }

  testutil::TempDir dir_;
  std::string old_home_, old_path_;
  config::RunnerConfig cfg_;
  PrepareRequest req_;
  std::mutex mu_;
  std::vector<std::string> heads_;
};

constexpr char kRegistry[] = "127.0.0.1:9";

TEST_F(PullAuthTest, JobImagePullCarriesDockerAuthConfigCredentials) {
  req_.image.name = std::string(kRegistry) + "/spotrunner/private:1";
  req_.docker_auth = {{"job variable", R"({"auths": {"http://127.0.0.1:9": {"username": "var", "password": "v"}}})"}};
  req_.registry_auth = {{kRegistry, {"gitlab-ci-token", "t"}}};  // loses to the variable
  EXPECT_FALSE(Prepare().ok());
  std::string head = PullHead("127.0.0.1%3A9") + PullHead(std::string(kRegistry));
  ASSERT_NE(head, "") << "no pull was sent";
  EXPECT_NE(head.find("X-Registry-Auth: " + RegistryAuthHeader("var", "v", kRegistry) + "\r\n"), std::string::npos)
      << head;
}

TEST_F(PullAuthTest, GitLabCredentialsWhenNothingElseKnowsTheRegistry) {
  req_.image.name = std::string(kRegistry) + "/spotrunner/private:1";
  req_.registry_auth = {{kRegistry, {"gitlab-ci-token", "t"}}};
  EXPECT_FALSE(Prepare().ok());
  std::string head = PullHead("127.0.0.1%3A9") + PullHead(std::string(kRegistry));
  EXPECT_NE(head.find("X-Registry-Auth: " + RegistryAuthHeader("gitlab-ci-token", "t", kRegistry) + "\r\n"),
            std::string::npos)
      << head;
}

TEST_F(PullAuthTest, ServicePullCarriesHelperCredentialsFromTheHomeConfig) {
  std::string helper = dir_.path().string() + "/docker-credential-test";
  std::ofstream(helper) << "#!/bin/sh\nread reg\necho '{\"Username\":\"svc\",\"Secret\":\"s\"}'\n";
  chmod(helper.c_str(), 0755);
  std::filesystem::create_directories(dir_.path() / ".docker");
  std::ofstream(dir_.path() / ".docker" / "config.json") << R"({"credHelpers": {"127.0.0.1:9": "test"}})";
  req_.image.name = "alpine:latest";
  ServiceSpec svc;
  svc.name = std::string(kRegistry) + "/spotrunner/db:1";
  req_.services = {svc};
  cfg_.docker.network_mode = "";
  EXPECT_FALSE(Prepare().ok());
  std::string head = PullHead("127.0.0.1%3A9") + PullHead(std::string(kRegistry));
  ASSERT_NE(head, "") << "no pull was sent";
  EXPECT_NE(head.find("X-Registry-Auth: " + RegistryAuthHeader("svc", "s", kRegistry) + "\r\n"), std::string::npos)
      << head;
}

TEST_F(PullAuthTest, NamedHelperImagePullCarriesCredentials) {
  req_.image.name = "alpine:latest";
  cfg_.docker.helper_image = std::string(kRegistry) + "/spotrunner/helper:1";
  req_.docker_auth = {{"[[runners]] environment", R"({"auths": {"127.0.0.1:9": {"username": "h", "password": "p"}}})"}};
  util::Status s = Prepare();
  ASSERT_FALSE(s.ok());
  std::string head = PullHead("127.0.0.1%3A9") + PullHead(std::string(kRegistry));
  ASSERT_NE(head, "") << "no pull was sent: " << s.message();
  EXPECT_NE(head.find("X-Registry-Auth: " + RegistryAuthHeader("h", "p", kRegistry) + "\r\n"), std::string::npos)
      << head;
}

TEST_F(PullAuthTest, BrokenConfigFailsBeforeAnyPull) {
  req_.image.name = std::string(kRegistry) + "/spotrunner/private:1";
  req_.docker_auth = {{"job variable", "{not json"}};
  util::Status s = Prepare();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "DOCKER_AUTH_CONFIG (job variable): not valid JSON");
  EXPECT_EQ(PullHead("127.0.0.1%3A9") + PullHead(std::string(kRegistry)), "");
}

}  // namespace
}  // namespace executor::docker
