#include "cloud/aws/credential_chain.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>

#include "cloud/aws/testdata/loopback_server.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

using Env = std::map<std::string, std::string>;

CredentialChainOptions WithEnv(const Env& env, const std::string& home) {
  CredentialChainOptions o;
  o.env = [env](const std::string& k) -> std::optional<std::string> {
    auto it = env.find(k);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  o.home = home;
  o.imds_endpoint = "http://127.0.0.1:1";  // nothing listens: IMDS absent
  return o;
}

// An IMDSv2 server that requires the token and serves a role whose keys expire at `expiry`.
class FakeImds {
 public:
  explicit FakeImds(std::string expiry) : expiry_(std::move(expiry)) {
    auto& s = server_.server();
    s.Put("/latest/api/token", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds").empty()) {
        res.status = 400;
        return;
      }
      ++tokens;
      res.set_content("tok-" + std::to_string(tokens.load()), "text/plain");
    });
    s.Get(R"(/latest/meta-data/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.get_header_value("X-aws-ec2-metadata-token").rfind("tok-", 0) != 0) {
        res.status = 401;
        return;
      }
      std::string path = req.matches[1];
      if (path == "iam/security-credentials/") {
        res.set_content("ci-role\n", "text/plain");
      } else if (path == "iam/security-credentials/ci-role") {
        ++fetches;
        res.set_content(R"({"Code":"Success","AccessKeyId":"ASIA)" + std::to_string(fetches.load()) +
                            R"(","SecretAccessKey":"s","Token":"t","Expiration":")" + expiry_ + R"("})",
                        "application/json");
      } else {
        res.status = 404;
      }
    });
    EXPECT_TRUE(server_.Start());
  }
  std::string url() const { return server_.url(); }
  std::atomic<int> tokens{0}, fetches{0};

 private:
  std::string expiry_;
  testing::LoopbackServer server_;
};

TEST(CredentialChainTest, ConfigKeysWinOverEnvironment) {
  util::HttpClient http;
  util::ManualClock clock;
  auto o = WithEnv({{"AWS_ACCESS_KEY_ID", "ENVKEY"}, {"AWS_SECRET_ACCESS_KEY", "envsecret"}}, "/nonexistent");
  o.access_key = "CFGKEY";
  o.secret_key = "cfgsecret";
  CredentialChain chain(o, http, clock);
  auto c = chain.Get();
  ASSERT_OK(c);
  EXPECT_EQ(c->access_key_id, "CFGKEY");
  EXPECT_EQ(c->source, "config.toml");
}

TEST(CredentialChainTest, EnvironmentWithToken) {
  util::HttpClient http;
  util::ManualClock clock;
  CredentialChain chain(WithEnv({{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "sec"},
                                 {"AWS_SESSION_TOKEN", "tok"}}, "/nonexistent"), http, clock);
  auto c = chain.Get();
  ASSERT_OK(c);
  EXPECT_EQ(c->session_token, "tok");
  EXPECT_EQ(c->Describe(), "AKIDENV from environment");
  CredentialChain half(WithEnv({{"AWS_ACCESS_KEY_ID", "AKIDENV"}}, "/nonexistent"), http, clock);
  EXPECT_EQ(half.Get().status().message(), "environment has AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY");
}

TEST(CredentialChainTest, SharedFilesWithProfiles) {
  testutil::TempDir home;
  std::filesystem::create_directories(home.path() / ".aws");
  std::ofstream(home.path() / ".aws/credentials") << "[default]\naws_access_key_id = DEFKEY\naws_secret_access_key = d\n"
                                                  << "# comment\n[ci]\naws_access_key_id=CIKEY\naws_secret_access_key=c\n"
                                                  << "aws_session_token = citok\n[broken]\naws_access_key_id = X\n";
  std::ofstream(home.path() / ".aws/config") << "[profile fromconfig]\nregion = eu-west-1\n"
                                             << "aws_access_key_id = CONFKEY\naws_secret_access_key = k\n";
  util::HttpClient http;
  util::ManualClock clock;
  std::string h = home.path().string();
  auto get = [&](Env env, std::string profile = "") {
    auto o = WithEnv(env, h);
    o.profile = profile;
    CredentialChain chain(o, http, clock);
    return chain.Get();
  };
  EXPECT_EQ(get({})->access_key_id, "DEFKEY");
  auto ci = get({{"AWS_PROFILE", "ci"}});
  ASSERT_OK(ci);
  EXPECT_EQ(ci->access_key_id, "CIKEY");
  EXPECT_EQ(ci->session_token, "citok");
  EXPECT_EQ(ci->source, "shared credentials file " + h + "/.aws/credentials [ci]");
  EXPECT_EQ(get({}, "fromconfig")->access_key_id, "CONFKEY");
  EXPECT_EQ(get({}, "broken").status().message(),
            "shared credentials file " + h + "/.aws/credentials [broken] has aws_access_key_id without aws_secret_access_key");
  auto missing = get({{"AWS_EC2_METADATA_DISABLED", "true"}}, "nosuch");
  EXPECT_EQ(missing.status().code(), util::Status::Code::kNotFound);
  EXPECT_NE(missing.status().message().find("[nosuch]"), std::string::npos) << missing.status().message();
}

TEST(CredentialChainTest, InstanceRoleThroughImdsV2RefreshedBeforeExpiry) {
  FakeImds imds("2030-01-01T01:00:00Z");
  util::HttpClient http;
  util::ManualClock clock(*ParseIso8601("2030-01-01T00:00:00Z"));
  auto o = WithEnv({}, "/nonexistent");
  o.imds_endpoint = imds.url();
  CredentialChain chain(o, http, clock);
  auto c = chain.Get();
  ASSERT_OK(c);
  EXPECT_EQ(c->access_key_id, "ASIA1");
  EXPECT_EQ(c->session_token, "t");
  EXPECT_EQ(c->source, "instance role ci-role (IMDS)");
  clock.Advance(std::chrono::minutes(40));  // 20 min left: cached
  EXPECT_EQ(chain.Get()->access_key_id, "ASIA1");
  clock.Advance(std::chrono::minutes(11));  // 9 min left: refreshed
  EXPECT_EQ(chain.Get()->access_key_id, "ASIA2");
  EXPECT_EQ(imds.fetches.load(), 2);
  EXPECT_EQ(imds.tokens.load(), 1);  // the 6-hour session token is reused
}

TEST(CredentialChainTest, ImdsFixtureAndNotices) {
  auto c = ParseImdsCredentials(testutil::ReadFile(testutil::FixturePath("aws/imds/iam-security-credentials-role.json")), "x");
  ASSERT_OK(c);
  EXPECT_EQ(c->access_key_id, "ASIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(*c->expiration, *ParseIso8601("2017-05-17T15:09:54Z"));
  EXPECT_FALSE(ParseImdsCredentials(R"({"AccessKeyId":"a"})", "x").ok());
  auto action = ParseInstanceAction(testutil::ReadFile(testutil::FixturePath("aws/imds/spot-instance-action-terminate.json")));
  ASSERT_OK(action);
  EXPECT_EQ(action->action, "terminate");
  EXPECT_EQ(action->time, *ParseIso8601("2017-09-18T08:22:00Z"));
  auto rebalance = ParseRebalance(testutil::ReadFile(testutil::FixturePath("aws/imds/events-recommendations-rebalance.json")));
  ASSERT_OK(rebalance);
  EXPECT_EQ(*rebalance, *ParseIso8601("2020-10-27T08:22:00Z"));
  EXPECT_EQ(*ParseIso8601("2011-12-20T08:29:31.000Z"), *ParseIso8601("2011-12-20T08:29:31Z"));
}

// Years util::Time cannot hold (int64 nanoseconds) are errors, not an overflow (found by
// fuzz/ec2_xml in a spot price timestamp).
TEST(CredentialChainTest, TimesOutsideTheClockRangeAreErrors) {
  for (const char* t : {"0001-01-01T00:00:00Z", "1677-01-01T00:00:00Z", "2262-12-31T23:59:59Z", "9999-12-31T00:00:00Z"}) {
    auto r = ParseIso8601(t);
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_EQ(r.status().code(), util::Status::Code::kInvalidArgument) << t;
  }
  EXPECT_FALSE(ParseInstanceAction(R"({"action":"stop","time":"0001-01-01T00:00:00Z"})").ok());
  EXPECT_OK(ParseIso8601("1999-12-31T23:59:59Z"));
  EXPECT_OK(ParseIso8601("2199-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace cloud::aws
