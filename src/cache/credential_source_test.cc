#include "cache/credential_source.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "cloud/aws/sigv4.h"
#include "util/testing/test_util.h"

namespace cache {
namespace {

// An environment the chain reads instead of the process's (no IMDS unless asked).
std::function<std::optional<std::string>(const std::string&)> Env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
}

config::CacheS3Config Iam() {
  config::CacheS3Config s3;
  s3.server_address = "127.0.0.1:9000";
  s3.bucket_name = "b";
  s3.insecure = true;
  s3.authentication_type = "iam";
  s3.access_key = "CONFIGKEY";  // ignored for iam, as gitlab-runner does
  s3.secret_key = "CONFIGSECRET";
  return s3;
}

TEST(CredentialSourceTest, AuthenticationTypeAsGitlabRunnerDerivesIt) {
  config::CacheS3Config s3;
  s3.server_address = "s3.amazonaws.com";
  s3.access_key = "AK";
  s3.secret_key = "SK";
  EXPECT_EQ(EffectiveAuthenticationType(s3), "access-key");
  s3.server_address = "";
  EXPECT_EQ(EffectiveAuthenticationType(s3), "iam");
  s3.authentication_type = "Access-Key";
  EXPECT_EQ(EffectiveAuthenticationType(s3), "access-key");
  s3.access_key = "";
  util::ManualClock clock;
  auto c = MakeCredentialSource(s3, clock);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "[runners.cache.s3] AuthenticationType is access-key but AccessKey or SecretKey is empty");
  s3.authentication_type = "kerberos";
  c = MakeCredentialSource(s3, clock);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "[runners.cache.s3] AuthenticationType \"kerberos\" is not access-key or iam");
}

TEST(CredentialSourceTest, AccessKeyUsesTheConfiguredKeys) {
  config::CacheS3Config s3 = Iam();
  s3.authentication_type = "access-key";
  s3.session_token = "TOKEN";
  util::ManualClock clock;
  auto source = MakeCredentialSource(s3, clock);
  ASSERT_OK(source);
  auto c = (*source)();
  ASSERT_OK(c);
  EXPECT_EQ(c->access_key_id, "CONFIGKEY");
  EXPECT_EQ(c->secret_access_key, "CONFIGSECRET");
  EXPECT_EQ(c->session_token, "TOKEN");
}

TEST(CredentialSourceTest, IamTakesTheEnvironment) {
  util::ManualClock clock;
  cloud::aws::CredentialChainOptions o;
  o.env = Env({{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"},
               {"AWS_SESSION_TOKEN", "envtoken"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
  auto source = MakeCredentialSource(Iam(), clock, o);
  ASSERT_OK(source);
  auto c = (*source)();
  ASSERT_OK(c);
  EXPECT_EQ(c->access_key_id, "AKIAENV");
  EXPECT_EQ(c->secret_access_key, "envsecret");
  EXPECT_EQ(c->session_token, "envtoken");
  EXPECT_EQ(c->source, "environment");
}

TEST(CredentialSourceTest, IamTakesTheSharedCredentialsFileProfileAndSignsWithIt) {
  testutil::TempDir home;
  std::filesystem::create_directories(home.path() / ".aws");
  std::ofstream(home.path() / ".aws/credentials") << "[default]\naws_access_key_id = AKIADEFAULT\n"
                                                     "aws_secret_access_key = defaultsecret\n\n"
                                                     "[ci]\naws_access_key_id = AKIACI\n"
                                                     "aws_secret_access_key = cisecret\naws_session_token = citoken\n";
  util::ManualClock clock(util::SystemClock::Get().Now());
  cloud::aws::CredentialChainOptions o;
  o.env = Env({{"HOME", home.path().string()}, {"AWS_PROFILE", "ci"}, {"AWS_EC2_METADATA_DISABLED", "true"}});
  auto source = MakeCredentialSource(Iam(), clock, o);
  ASSERT_OK(source);
  auto p = S3Presigner::Create(Iam(), *source, clock);
  ASSERT_OK(p);
  auto url = p->Put("runner/t/project/1/k", "k", std::chrono::seconds(600));
  ASSERT_OK(url);
  EXPECT_NE(url->url.find("X-Amz-Credential=AKIACI%2F"), std::string::npos) << url->url;
  EXPECT_NE(url->url.find("X-Amz-Security-Token=citoken"), std::string::npos) << url->url;
  EXPECT_EQ(url->url.find("cisecret"), std::string::npos);
  EXPECT_EQ(url->url.find("CONFIGKEY"), std::string::npos);
}

TEST(CredentialSourceTest, IamWithNoSourceSaysWhereItLooked) {
  testutil::TempDir home;
  util::ManualClock clock;
  cloud::aws::CredentialChainOptions o;
  o.env = Env({{"HOME", home.path().string()}, {"AWS_EC2_METADATA_DISABLED", "true"}});
  auto source = MakeCredentialSource(Iam(), clock, o);
  ASSERT_OK(source);
  auto c = (*source)();
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), util::Status::Code::kNotFound);
  EXPECT_NE(c.status().message().find("[runners.cache.s3] AuthenticationType iam"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find(home.path().string() + "/.aws/credentials"), std::string::npos)
      << c.status().message();
}

// An IMDSv2 peer on loopback: the role's keys rotate, and the source picks up new ones
// 10 minutes before the old ones expire.
TEST(CredentialSourceTest, IamTakesTheInstanceRoleAndRefreshesIt) {
  util::ManualClock clock(util::SystemClock::Get().Now());
  std::atomic<int> fetched{0};
  httplib::Server imds;
  imds.Put("/latest/api/token", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("tok", "text/plain");
  });
  imds.Get("/latest/meta-data/iam/security-credentials/", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-aws-ec2-metadata-token") != "tok") {
      res.status = 401;
      return;
    }
    res.set_content("cache-role", "text/plain");
  });
  imds.Get("/latest/meta-data/iam/security-credentials/cache-role",
           [&](const httplib::Request&, httplib::Response& res) {
             int n = ++fetched;
             std::string exp = cloud::aws::FormatAmzDate(clock.Now() + std::chrono::hours(1));
             // 20130524T000000Z -> 2013-05-24T00:00:00Z
             std::string iso = exp.substr(0, 4) + "-" + exp.substr(4, 2) + "-" + exp.substr(6, 2) + "T" +
                               exp.substr(9, 2) + ":" + exp.substr(11, 2) + ":" + exp.substr(13, 2) + "Z";
             res.set_content("{\"Code\":\"Success\",\"AccessKeyId\":\"ASIAROLE" + std::to_string(n) +
                                 "\",\"SecretAccessKey\":\"rolesecret\",\"Token\":\"roletoken\",\"Expiration\":\"" +
                                 iso + "\"}",
                             "application/json");
           });
  int port = imds.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread t([&] { imds.listen_after_bind(); });
  testutil::TempDir home;
  cloud::aws::CredentialChainOptions o;
  o.env = Env({{"HOME", home.path().string()}});
  o.imds_endpoint = "http://127.0.0.1:" + std::to_string(port);
  auto source = MakeCredentialSource(Iam(), clock, o);
  ASSERT_OK(source);
  auto a = (*source)();
  auto b = (*source)();
  clock.Advance(std::chrono::minutes(51));
  auto c = (*source)();
  imds.stop();
  t.join();
  ASSERT_OK(a);
  ASSERT_OK(b);
  ASSERT_OK(c);
  EXPECT_EQ(a->access_key_id, "ASIAROLE1");
  EXPECT_EQ(b->access_key_id, "ASIAROLE1");  // cached
  EXPECT_EQ(c->access_key_id, "ASIAROLE2");  // refreshed before expiry
  EXPECT_EQ(c->session_token, "roletoken");
  EXPECT_EQ(fetched.load(), 2);
}

}  // namespace
}  // namespace cache
