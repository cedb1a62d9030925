#include "cloud/aws/query_client.h"

#include <gtest/gtest.h>

#include <atomic>

#include "cloud/aws/testdata/fake_query_server.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

using testing::Ec2Error;
using testing::FakeQueryServer;
using testing::QueryReply;
using testing::QueryRequest;

TEST(QueryClientTest, RequestExpiredWithRoleCredentialsRefreshesThemOnce) {
  std::atomic<int> fetches{0};
  testing::LoopbackServer imds;
  imds.server().Put("/latest/api/token", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("tok", "text/plain");
  });
  imds.server().Get(R"(/latest/meta-data/(.*))", [&](const httplib::Request& req, httplib::Response& res) {
    std::string path = req.matches[1];
    if (path == "iam/security-credentials/") return res.set_content("role\n", "text/plain");
    ++fetches;
    res.set_content(R"({"AccessKeyId":"ASIA)" + std::to_string(fetches.load()) +
                        R"(","SecretAccessKey":"s","Token":"t","Expiration":"2099-01-01T00:00:00Z"})",
                    "application/json");
  });
  ASSERT_TRUE(imds.Start());
  std::vector<std::string> key_ids;
  FakeQueryServer server([&](const QueryRequest& r) {
    key_ids.push_back(r.authorization.substr(0, r.authorization.find('/')));
    if (key_ids.size() == 1) return QueryReply{400, Ec2Error("RequestExpired", "Request has expired.")};
    return QueryReply{200, "<CreateTagsResponse><return>true</return></CreateTagsResponse>"};
  });
  util::HttpClient http;
  util::ManualClock clock(util::Time(std::chrono::seconds(1700000000)));
  CredentialChainOptions o;
  o.env = [](const std::string&) { return std::nullopt; };
  o.home = "/nonexistent";
  o.imds_endpoint = imds.url();
  CredentialChain chain(o, http, clock);
  QueryClient q({"EC2", server.url(), "ec2", "us-east-1", "2016-11-15"}, chain, http, clock, {}, 1,
                [](util::Duration) {});
  ASSERT_OK(q.Call("CreateTags", {{"ResourceId.1", "i-1"}}));
  ASSERT_EQ(key_ids.size(), 2u);
  EXPECT_EQ(key_ids[0], "AWS4-HMAC-SHA256 Credential=ASIA1");
  EXPECT_EQ(key_ids[1], "AWS4-HMAC-SHA256 Credential=ASIA2");
}

TEST(QueryClientTest, UnreachableEndpointIsUnavailableAfterBoundedAttempts) {
  util::HttpClient http;
  util::ManualClock clock;
  CredentialChainOptions o;
  o.access_key = "AKID";
  o.secret_key = "s";
  CredentialChain chain(o, http, clock);
  int sleeps = 0;
  QueryClient q({"EC2", "http://127.0.0.1:1/", "ec2", "us-east-1", "2016-11-15"}, chain, http, clock, {}, 1,
                [&](util::Duration) { ++sleeps; });
  auto r = q.Call("DescribeInstances", {});
  EXPECT_EQ(r.status().code(), util::Status::Code::kUnavailable);
  EXPECT_EQ(r.status().message().rfind("EC2 DescribeInstances: ", 0), 0u) << r.status().message();
  EXPECT_EQ(q.calls_sent(), 4);
  EXPECT_EQ(sleeps, 3);
}

TEST(QueryClientTest, FormEncodingAndXmlHelpers) {
  EXPECT_EQ(FormEncode({{"Action", "RunInstances"}, {"Tag.1.Value", "a b/c"}, {"Empty", ""}}),
            "Action=RunInstances&Tag.1.Value=a%20b%2Fc&Empty=");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string("<a:R xmlns:a='x'><a:b><c> v </c></a:b></a:R>"));
  EXPECT_EQ(Path(doc.document_element(), "b/c").child_value(), std::string(" v "));
  EXPECT_EQ(ChildText(Child(doc.document_element(), "b"), "c"), "v");
}

}  // namespace
}  // namespace cloud::aws
