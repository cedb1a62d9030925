#include "cloud/aws/sigv4.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "cloud/aws/sigv4_suite.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

std::string TrimExpected(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

int CountPassed(const std::vector<VectorResult>& results) {
  int n = 0;
  for (const auto& r : results) {
    EXPECT_TRUE(r.passed) << r.name << " (" << r.variant << "): " << r.detail;
    n += r.passed;
  }
  return n;
}

TEST(SigV4VectorsTest, ClassicSuiteAllPass) {
  auto results = RunSigV4Suite(testutil::FixturePath("aws/sigv4/aws4_testsuite").string());
  ASSERT_OK(results);
  EXPECT_EQ(results->size(), 31u);
  EXPECT_EQ(CountPassed(*results), 31);
}

TEST(SigV4VectorsTest, AwsCAuthSuiteHeaderAndQueryAllPass) {
  auto results = RunSigV4Suite(testutil::FixturePath("aws/sigv4/aws-signing-test-suite").string());
  ASSERT_OK(results);
  EXPECT_EQ(results->size(), 70u);
  EXPECT_EQ(CountPassed(*results), 70);
}

TEST(SigV4VectorsTest, S3DocExamplesAndIamWalkthroughPass) {
  auto s3 = RunSigV4Suite(testutil::FixturePath("aws/sigv4/s3-docs-examples").string());
  ASSERT_OK(s3);
  EXPECT_EQ(s3->size(), 5u);
  EXPECT_EQ(CountPassed(*s3), 5);
  auto iam = RunSigV4Suite(testutil::FixturePath("aws/sigv4/general-reference-examples").string());
  ASSERT_OK(iam);
  EXPECT_EQ(iam->size(), 1u);
  EXPECT_EQ(CountPassed(*iam), 1);
}

TEST(SigV4VectorsTest, SigningKeyDerivation) {
  std::ifstream in(testutil::FixturePath("aws/sigv4/general-reference-examples/signing-key-derivation.json"));
  nlohmann::json cases = nlohmann::json::parse(in);
  ASSERT_EQ(cases.size(), 2u);
  for (const auto& c : cases) {
    EXPECT_EQ(HexEncode(DeriveSigningKey(c["secret_access_key"].get<std::string>(), c["date"].get<std::string>(),
                                         c["region"].get<std::string>(), c["service"].get<std::string>())),
              c["kSigning"].get<std::string>());
  }
}

TEST(SigV4VectorsTest, BrokenVectorIsReportedAsFailure) {
  testutil::TempDir dir;
  auto root = testutil::FixturePath("aws/sigv4/aws4_testsuite/get-vanilla");
  std::filesystem::create_directories(dir.path() / "get-vanilla");
  for (const char* ext : {".req", ".creq", ".sts"})
    std::filesystem::copy_file(root / (std::string("get-vanilla") + ext), dir.path() / "get-vanilla" / (std::string("get-vanilla") + ext));
  std::ofstream(dir.path() / "get-vanilla" / "get-vanilla.authz") << "AWS4-HMAC-SHA256 Credential=wrong";
  auto results = RunSigV4Suite(dir.path().string());
  ASSERT_OK(results);
  ASSERT_EQ(results->size(), 1u);
  EXPECT_FALSE((*results)[0].passed);
  EXPECT_NE((*results)[0].detail.find("authorization differs"), std::string::npos) << (*results)[0].detail;
}

TEST(SigV4VectorsTest, EmptyDirectoryIsNotFound) {
  testutil::TempDir dir;
  auto results = RunSigV4Suite(dir.path().string());
  EXPECT_EQ(results.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(RunSigV4Suite((dir.path() / "nope").string()).status().code(), util::Status::Code::kNotFound);
}

TEST(SigV4Test, UriEncode) {
  EXPECT_EQ(UriEncode("a b/c~_.-$", false), "a%20b%2Fc~_.-%24");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xe1\x88\xb4", false), "%E1%88%B4");
  EXPECT_EQ(UriDecode("a%20b%2f%zz%"), "a b/%zz%");
  Fields q = ParseQuery("a=1&b&c=%2F&&d=x=y");
  ASSERT_EQ(q.size(), 4u);
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"b", ""}));
  EXPECT_EQ(q[2].second, "/");
  EXPECT_EQ(q[3].second, "x=y");
}

TEST(SigV4Test, PathRulesS3VersusOtherServices) {
  SigningOptions ec2 = SigningOptions::ForService("us-east-1", "ec2");
  SigningOptions s3 = SigningOptions::ForService("us-east-1", "s3");
  EXPECT_EQ(CanonicalUri("/a%20b", ec2), "/a%2520b");  // double encoding
  EXPECT_EQ(CanonicalUri("/a%20b", s3), "/a%20b");     // once
  EXPECT_EQ(CanonicalUri("/a b", s3), "/a%20b");
  EXPECT_EQ(CanonicalUri("//x/./y/../z/", ec2), "/x/z/");
  EXPECT_EQ(CanonicalUri("//x/./y", s3), "//x/./y");
  EXPECT_EQ(CanonicalUri("", ec2), "/");
}

TEST(SigV4Test, AmzDateRoundTrip) {
  auto t = ParseAmzDate("20150830T123600Z");
  ASSERT_OK(t);
  EXPECT_EQ(FormatAmzDate(*t), "20150830T123600Z");
  EXPECT_EQ(util::UnixSeconds(*t), 1440938160);
  EXPECT_FALSE(ParseAmzDate("2015-08-30T12:36:00Z").ok());
  EXPECT_FALSE(ParseAmzDate("20151330T123600Z").ok());
}

TEST(SigV4Test, PresignUrlMatchesS3DocExample) {
  Credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", std::nullopt, ""};
  auto url = PresignUrl("GET", "https://examplebucket.s3.amazonaws.com/test.txt", {}, creds,
                        SigningOptions::ForService("us-east-1", "s3"), *ParseAmzDate("20130524T000000Z"),
                        std::chrono::seconds(86400));
  ASSERT_OK(url);
  EXPECT_EQ(*url, TrimExpected(testutil::ReadFile(
                      testutil::FixturePath("aws/sigv4/s3-docs-examples/query/presigned-get-object/presigned-url.txt"))));
}


TEST(SigV4Test, PresignWithTokenAndSignedHeaders) {
  Credentials creds{"AKID", "secret", "tok/en+=", std::nullopt, ""};
  auto url = PresignUrl("PUT", "http://127.0.0.1:9000/bucket/a%20key?x=1", {{"x-amz-meta-cachekey", "k"}}, creds,
                        SigningOptions::ForService("eu-west-1", "s3"), *ParseAmzDate("20240101T000000Z"),
                        std::chrono::seconds(3600));
  ASSERT_OK(url);
  EXPECT_EQ(url->rfind("http://127.0.0.1:9000/bucket/a%20key?", 0), 0u) << *url;
  EXPECT_NE(url->find("X-Amz-SignedHeaders=host%3Bx-amz-meta-cachekey"), std::string::npos) << *url;
  EXPECT_NE(url->find("X-Amz-Security-Token=tok%2Fen%2B%3D"), std::string::npos) << *url;
  EXPECT_NE(url->find("X-Amz-Credential=AKID%2F20240101%2Feu-west-1%2Fs3%2Faws4_request"), std::string::npos);
  EXPECT_NE(url->find("&x=1&"), std::string::npos) << *url;
  EXPECT_EQ(url->find("secret"), std::string::npos);
  EXPECT_NE(url->rfind("&X-Amz-Signature="), std::string::npos);
}

TEST(SigV4Test, BadInputIsRefusedWithClearMessage) {
  Credentials none;
  SignableRequest r;
  r.headers = {{"Host", "ec2.us-east-1.amazonaws.com"}};
  auto t = *ParseAmzDate("20240101T000000Z");
  auto s = SignHeaders(r, none, SigningOptions::ForService("us-east-1", "ec2"), t);
  EXPECT_EQ(s.status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_NE(s.status().message().find("credentials"), std::string::npos);
  Credentials creds{"AKID", "secret", "", std::nullopt, ""};
  SignableRequest no_host;
  EXPECT_NE(SignHeaders(no_host, creds, SigningOptions::ForService("us-east-1", "ec2"), t).status().message().find("Host"),
            std::string::npos);
  EXPECT_FALSE(Presign(r, creds, SigningOptions::ForService("us-east-1", "s3"), t, std::chrono::seconds(604801)).ok());
  EXPECT_FALSE(Presign(r, creds, SigningOptions::ForService("us-east-1", "s3"), t, std::chrono::seconds(0)).ok());
  EXPECT_FALSE(PresignUrl("GET", "ftp://x/y", {}, creds, SigningOptions::ForService("us-east-1", "s3"), t,
                          std::chrono::seconds(60)).ok());
}

TEST(SigV4Test, SignHttpRequestAddsHeaders) {
  util::HttpRequest req;
  req.method = "POST";
  req.url = "https://ec2.us-east-1.amazonaws.com/";
  req.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  req.body = "Action=DescribeInstances&Version=2016-11-15";
  Credentials creds{"AKID", "secret", "token", std::nullopt, ""};
  ASSERT_OK(SignHttpRequest(req, creds, SigningOptions::ForService("us-east-1", "ec2"), *ParseAmzDate("20240101T000000Z")));
  EXPECT_EQ(req.headers.GetOr("host"), "ec2.us-east-1.amazonaws.com");
  EXPECT_EQ(req.headers.GetOr("x-amz-date"), "20240101T000000Z");
  EXPECT_EQ(req.headers.GetOr("x-amz-security-token"), "token");
  std::string auth = req.headers.GetOr("authorization");
  EXPECT_EQ(auth.rfind("AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/ec2/aws4_request, "
                       "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=", 0), 0u) << auth;
}

}  // namespace
}  // namespace cloud::aws
