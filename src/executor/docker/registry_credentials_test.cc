// DOCKER_AUTH_CONFIG parsing, the order of credential sources, host matching, and real
// docker-credential-* helper programs (shell scripts in a temp dir put first on PATH).
#include "executor/docker/registry_credentials.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "executor/docker/credential_helper.h"
#include "executor/docker/docker_auth_config.h"
#include "executor/docker/image_ref.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

std::string B64(const std::string& s) {
  // Standard alphabet from the URL-safe encoder: the two differ only in '-' '_'.
  std::string out = Base64UrlEncode(s);
  for (char& c : out) c = c == '-' ? '+' : c == '_' ? '/' : c;
  return out;
}

TEST(DockerAuthConfigTest, DecodesAuthsEitherWay) {
  auto cfg = ParseDockerAuthConfig(R"({"auths": {
      "https://index.docker.io/v1/": {"auth": ")" + B64("hub:p:with:colons") + R"("},
      "registry.example.com:5000": {"username": "u", "password": "pw"},
      "stored.example.com": {}},
    "credHelpers": {"ecr.example.com": "ecr-login"}, "credsStore": "desktop"})");
  ASSERT_OK(cfg);
  EXPECT_EQ(cfg->auths.at("https://index.docker.io/v1/"), (Credentials{"hub", "p:with:colons"}));
  EXPECT_EQ(cfg->auths.at("registry.example.com:5000"), (Credentials{"u", "pw"}));
  EXPECT_EQ(cfg->auths.count("stored.example.com"), 0u);  // no credentials: left to the store
  EXPECT_EQ(cfg->cred_helpers.at("ecr.example.com"), "ecr-login");
  EXPECT_EQ(cfg->creds_store, "desktop");
}

TEST(DockerAuthConfigTest, BadInputNamesWhatIsWrongAndNeverTheSecret) {
  struct Case {
    std::string json, want;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"auths\": {\"r\": {\"auth\": \"s3cr3t!!\"}}", "not valid JSON"},
           {"[1]", "not a JSON object"},
           {R"({"auths": {"r": {"auth": "s3cr3t!!"}}})", "auths[\"r\"].auth is not valid base64"},
           {R"({"auths": {"r": {"auth": ")" + B64("s3cr3t") + R"("}}})",
            "auths[\"r\"].auth is not base64 of \"user:password\""},
           {R"({"auths": []})", "\"auths\" is not an object"},
           {R"({"credHelpers": {"r": 1}})", "credHelpers[\"r\"] is not a helper name"},
       }) {
    auto cfg = ParseDockerAuthConfig(c.json);
    ASSERT_FALSE(cfg.ok()) << c.json;
    EXPECT_EQ(cfg.status().code(), util::Status::Code::kInvalidArgument);
    EXPECT_EQ(cfg.status().message(), c.want);
    EXPECT_EQ(cfg.status().message().find("s3cr3t"), std::string::npos);
  }
}

TEST(DockerAuthConfigTest, Base64IsStrict) {
  EXPECT_EQ(Base64Decode("dTpw"), "u:p");
  EXPECT_EQ(Base64Decode("dTpwdw=="), "u:pw");
  EXPECT_EQ(Base64Decode("dTpwdw"), "u:pw");
  EXPECT_FALSE(Base64Decode("dTp*").has_value());
  EXPECT_FALSE(Base64Decode("dTpwd").has_value());
}

TEST(RegistryNameTest, MatchesDockerHubAliasesPortsAndSchemes) {
  for (const char* hub : {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/",
                          "registry.hub.docker.com"}) {
    EXPECT_EQ(NormalizeRegistry(hub), "docker.io") << hub;
  }
  EXPECT_EQ(NormalizeRegistry("https://registry.example.com:5000/v2/"), "registry.example.com:5000");
  EXPECT_EQ(NormalizeRegistry("http://registry.example.com"), "registry.example.com");
  EXPECT_NE(NormalizeRegistry("registry.example.com:5000"), NormalizeRegistry("registry.example.com"));
}

// Helper scripts in a temp dir first on PATH; PATH is restored after each test.
class CredentialsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    setenv("PATH", (dir_.path().string() + ":" + old_path_).c_str(), 1);
  }
  void TearDown() override { setenv("PATH", old_path_.c_str(), 1); }

  // docker-credential-<name> running `body` (sh) after reading the registry into $reg,
  // which it also appends to <dir>/asked.
  void Helper(const std::string& name, const std::string& body) {
    std::string path = dir_.path().string() + "/docker-credential-" + name;
    std::ofstream(path) << "#!/bin/sh\n[ \"$1\" = get ] || exit 9\nread reg\necho \"$reg\" >> '"
                        << dir_.path().string() << "/asked'\n"
                        << body << "\n";
    chmod(path.c_str(), 0755);
  }
  std::string Asked() { return testutil::ReadFile(dir_.path() / "asked"); }
  std::string File(const std::string& json) {
    std::string path = dir_.path().string() + "/config.json";
    std::ofstream(path) << json;
    return path;
  }

  testutil::TempDir dir_;
  std::string old_path_;
};

constexpr char kGood[] =
    R"(if [ "$reg" = registry.example.com ] || [ "$reg" = https://index.docker.io/v1/ ]; then
  echo '{"ServerURL":"x","Username":"helper-user","Secret":"helper-secret"}'
else echo "credentials not found in native keychain"; exit 1; fi)";

TEST_F(CredentialsTest, HelperAnswers) {
  Helper("good", kGood);
  auto cred = RunCredentialHelper("good", "registry.example.com");
  ASSERT_OK(cred);
  ASSERT_TRUE(cred->has_value());
  EXPECT_EQ(**cred, (Credentials{"helper-user", "helper-secret"}));
  auto none = RunCredentialHelper("good", "other.example.com");
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(Asked(), "registry.example.com\nother.example.com\n");
}

TEST_F(CredentialsTest, MissingHelperIsNamed) {
  auto cred = RunCredentialHelper("spotrunner-absent", "registry.example.com");
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(cred.status().message(),
            "credential helper docker-credential-spotrunner-absent for registry registry.example.com: "
            "docker-credential-spotrunner-absent not found in PATH");
}

TEST_F(CredentialsTest, HangingHelperIsKilledAtTheBound) {
  // The child sleep keeps stdout open: the whole process group must go.
  Helper("hang", "sleep 60; echo '{\"Username\":\"u\",\"Secret\":\"s\"}'");
  auto start = std::chrono::steady_clock::now();
  auto cred = RunCredentialHelper("hang", "registry.example.com", std::chrono::milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), util::Status::Code::kDeadlineExceeded);
  EXPECT_EQ(cred.status().message(),
            "credential helper docker-credential-hang for registry registry.example.com: no answer within 300 ms, "
            "killed");
}

TEST_F(CredentialsTest, HelperThatClosesStdoutAndLingersIsKilledAtTheBound) {
  Helper("linger", "exec >/dev/null; sleep 60");
  auto start = std::chrono::steady_clock::now();
  auto cred = RunCredentialHelper("linger", "registry.example.com", std::chrono::milliseconds(300));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().code(), util::Status::Code::kDeadlineExceeded);
}

TEST_F(CredentialsTest, FailingOrGarbledHelperIsAnErrorWithoutItsOutput) {
  Helper("fail", "echo 'leaked-secret'; exit 3");
  auto cred = RunCredentialHelper("fail", "registry.example.com");
  ASSERT_FALSE(cred.ok());
  EXPECT_EQ(cred.status().message(),
            "credential helper docker-credential-fail for registry registry.example.com: exited with status 3");
  Helper("garbled", "echo 'leaked-secret'");
  cred = RunCredentialHelper("garbled", "registry.example.com");
  ASSERT_FALSE(cred.ok());
  EXPECT_NE(cred.status().message().find("answer is not JSON"), std::string::npos);
  EXPECT_EQ(cred.status().message().find("leaked-secret"), std::string::npos);
}

TEST_F(CredentialsTest, FirstSourceThatKnowsTheRegistryWins) {
  std::string file = File(R"({"auths": {"registry.example.com": {"username": "file", "password": "f"},
                                        "file-only.example.com": {"username": "file2", "password": "f2"}}})");
  std::vector<DockerAuthSource> env{{"job variable", R"({"auths": {"https://registry.example.com": {"auth": ")" +
                                                         B64("var:v") + R"("}}})"}};
  std::map<std::string, Credentials> gitlab{{"registry.example.com", {"gitlab", "g"}},
                                            {"gitlab.example.com:5050", {"gitlab-ci-token", "t"}}};
  auto creds = RegistryCredentials::Load(env, file, gitlab);
  ASSERT_OK(creds);
  auto For = [&](const std::string& r) {
    auto c = creds->For(r);
    EXPECT_OK(c);
    return c.ok() && *c ? (*c)->first : std::string("-");
  };
  EXPECT_EQ(For("registry.example.com"), "var");
  EXPECT_EQ(For("file-only.example.com"), "file2");
  EXPECT_EQ(For("gitlab.example.com:5050"), "gitlab-ci-token");
  EXPECT_EQ(For("docker.io"), "-");

  // Without DOCKER_AUTH_CONFIG the file comes first, then GitLab's.
  auto no_var = RegistryCredentials::Load({}, file, gitlab);
  ASSERT_OK(no_var);
  EXPECT_EQ((*no_var->For("registry.example.com"))->first, "file");
  // A missing home config is no error.
  ASSERT_OK(RegistryCredentials::Load({}, dir_.path().string() + "/none.json", gitlab));
}

TEST_F(CredentialsTest, HelpersPerRegistryThenAuthsThenStore) {
  Helper("good", kGood);
  std::vector<DockerAuthSource> env{{"job variable", R"({
      "credHelpers": {"registry.example.com": "good"},
      "auths": {"registry.example.com": {"username": "auths", "password": "a"},
                "other.example.com": {"username": "auths", "password": "a"}},
      "credsStore": "good"})"}};
  auto creds = RegistryCredentials::Load(env, "", {});
  ASSERT_OK(creds);
  EXPECT_EQ((*creds->For("registry.example.com"))->first, "helper-user");
  EXPECT_EQ((*creds->For("other.example.com"))->first, "auths");
  // The store is asked for Docker Hub under the key `docker login` uses.
  EXPECT_EQ((*creds->For("index.docker.io"))->first, "helper-user");
  // The store holds nothing for this one: pull without credentials.
  auto none = creds->For("none.example.com");
  ASSERT_OK(none);
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(Asked(), "registry.example.com\nhttps://index.docker.io/v1/\nnone.example.com\n");
}

TEST_F(CredentialsTest, ErrorsNameTheSource) {
  auto bad = RegistryCredentials::Load({{"[[runners]] environment", "{nope"}}, "", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "DOCKER_AUTH_CONFIG ([[runners]] environment): not valid JSON");

  std::string file = File(R"({"auths": {"r.example.com": {"auth": "%%%"}}})");
  bad = RegistryCredentials::Load({}, file, {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), file + ": auths[\"r.example.com\"].auth is not valid base64");

  auto creds = RegistryCredentials::Load({{"job variable", R"({"credsStore": "spotrunner-absent"})"}}, "", {});
  ASSERT_OK(creds);
  auto c = creds->For("registry.example.com");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message().rfind("DOCKER_AUTH_CONFIG (job variable): credential helper "
                                       "docker-credential-spotrunner-absent for registry registry.example.com",
                                       0),
            0u)
      << c.status().message();
}

}  // namespace
}  // namespace executor::docker
