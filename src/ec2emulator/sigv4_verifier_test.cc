#include "ec2emulator/sigv4_verifier.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "cloud/aws/sigv4.h"
#include "util/testing/test_util.h"

namespace ec2emulator {
namespace {

namespace fs = std::filesystem;

const SigV4Credentials kSuite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"};

util::Time SuiteTime() { return *cloud::aws::ParseAmzDate("20150830T123600Z"); }

// Parses a raw request file of the suite: request line split on the first and the last
// space, `Name:value` lines, continuation lines starting with whitespace, a blank line,
// then the body.
ReceivedRequest ParseRaw(const std::string& text) {
  ReceivedRequest r;
  size_t eol = text.find('\n');
  std::string line = text.substr(0, eol);
  r.method = line.substr(0, line.find(' '));
  r.target = line.substr(line.find(' ') + 1, line.rfind(' ') - line.find(' ') - 1);
  size_t pos = eol == std::string::npos ? text.size() : eol + 1;
  while (pos < text.size()) {
    eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty()) {
      r.body = pos < text.size() ? text.substr(pos) : "";
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !r.headers.empty()) {
      r.headers.back().second += "\n" + line;
      continue;
    }
    size_t colon = line.find(':');
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    r.headers.emplace_back(line.substr(0, colon), value);
  }
  return r;
}

std::vector<fs::path> SuiteCases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(testutil::FixturePath("aws/sigv4/aws4_testsuite"))) {
    if (e.path().extension() == ".authz") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Each case's .req signed with its .authz: the session-token case's .req lacks the token
// header, whose value the .creq shows (the suite expects the signer to add it).
TEST(SigV4VerifierTest, EverySuiteCaseIsAcceptedAndItsCanonicalRequestMatches) {
  auto cases = SuiteCases();
  ASSERT_GE(cases.size(), 30u);
  SigV4Expectation expect;
  expect.service = "service";
  for (const auto& authz_file : cases) {
    SCOPED_TRACE(authz_file.string());
    fs::path base = authz_file;
    const std::string creq = testutil::ReadFile(fs::path(base).replace_extension(".creq"));
    ReceivedRequest r = ParseRaw(testutil::ReadFile(fs::path(base).replace_extension(".req")));
    const std::string token_line = "\nx-amz-security-token:";
    size_t t = creq.find(token_line);
    bool has_token = false;
    for (const auto& [k, v] : r.headers) has_token = has_token || k == "X-Amz-Security-Token";
    if (t != std::string::npos && !has_token) {
      size_t b = t + token_line.size();
      r.headers.emplace_back("X-Amz-Security-Token", creq.substr(b, creq.find('\n', b) - b));
    }
    r.headers.emplace_back("Authorization", testutil::ReadFile(authz_file));
    auto ok = VerifySigV4(r, kSuite, expect, SuiteTime());
    ASSERT_FALSE(IsError(ok)) << std::get<ApiError>(ok).message;
    EXPECT_EQ(CanonicalRequest(r, std::get<SigV4Authorization>(ok).signed_headers), creq);
  }
}

TEST(SigV4VerifierTest, StringToSignOfTheFormPost) {
  const fs::path dir = testutil::FixturePath("aws/sigv4/aws4_testsuite/post-x-www-form-urlencoded");
  ReceivedRequest r = ParseRaw(testutil::ReadFile(dir / "post-x-www-form-urlencoded.req"));
  std::string canonical = CanonicalRequest(r, {"content-type", "host", "x-amz-date"});
  EXPECT_EQ(StringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request", canonical),
            testutil::ReadFile(dir / "post-x-www-form-urlencoded.sts"));
}

class SigV4RejectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    request_ = ParseRaw(testutil::ReadFile(
        testutil::FixturePath("aws/sigv4/aws4_testsuite/post-x-www-form-urlencoded/post-x-www-form-urlencoded.sreq")));
    expect_.service = "service";
    ASSERT_FALSE(request_.method.empty()) << "the signed request fixture did not parse";
  }
  ApiError Reject(const ReceivedRequest& r, const SigV4Credentials& c, util::Time now) {
    auto res = VerifySigV4(r, c, expect_, now);
    EXPECT_TRUE(IsError(res));
    return IsError(res) ? std::get<ApiError>(res) : ApiError{};
  }
  ReceivedRequest request_;
  SigV4Expectation expect_;
};

TEST_F(SigV4RejectTest, WrongSecretIsSignatureDoesNotMatch) {
  ApiError e = Reject(request_, {kSuite.access_key_id, "not-the-secret"}, SuiteTime());
  EXPECT_EQ(e.http_status, 403);
  EXPECT_EQ(e.code, "SignatureDoesNotMatch");
}

TEST_F(SigV4RejectTest, ChangedBodyIsSignatureDoesNotMatch) {
  request_.body = "Param1=value2";
  EXPECT_EQ(Reject(request_, kSuite, SuiteTime()).code, "SignatureDoesNotMatch");
}

TEST_F(SigV4RejectTest, SkewBeyondTheLimitIsRequestExpired) {
  EXPECT_FALSE(IsError(VerifySigV4(request_, kSuite, expect_, SuiteTime() + std::chrono::minutes(14))));
  ApiError e = Reject(request_, kSuite, SuiteTime() + std::chrono::minutes(16));
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, "RequestExpired");
  EXPECT_EQ(Reject(request_, kSuite, SuiteTime() - std::chrono::minutes(16)).code, "RequestExpired");
  expect_.max_skew = std::chrono::minutes(5);
  EXPECT_EQ(Reject(request_, kSuite, SuiteTime() + std::chrono::minutes(6)).code, "RequestExpired");
}

TEST_F(SigV4RejectTest, UnknownKeyIsAuthFailure) {
  ApiError e = Reject(request_, {"AKIDOTHER", kSuite.secret_access_key}, SuiteTime());
  EXPECT_EQ(e.http_status, 401);
  EXPECT_EQ(e.code, "AuthFailure");
}

TEST_F(SigV4RejectTest, WrongScopeIsNamed) {
  expect_.region = "eu-west-1";
  EXPECT_EQ(Reject(request_, kSuite, SuiteTime()).message,
            "Credential should be scoped to a valid region, not 'us-east-1'. ");
  expect_.region = "us-east-1";
  expect_.service = "ec2";
  EXPECT_EQ(Reject(request_, kSuite, SuiteTime()).message, "Credential should be scoped to correct service: 'ec2'. ");
}

// A date no util::Time can hold is refused as malformed (it overflowed before).
TEST_F(SigV4RejectTest, DateOutOfRangeIsIncompleteSignature) {
  for (auto& [name, value] : request_.headers) {
    if (name == "X-Amz-Date") value = "99991231T235959Z";
  }
  EXPECT_EQ(Reject(request_, kSuite, SuiteTime()).code, "IncompleteSignature");
}

TEST_F(SigV4RejectTest, MissingOrIncompleteAuthorization) {
  ReceivedRequest r = request_;
  r.headers.pop_back();  // Authorization is the last header of the .sreq
  ApiError e = Reject(r, kSuite, SuiteTime());
  EXPECT_EQ(e.code, "MissingAuthenticationToken");
  r.headers.emplace_back("Authorization",
                         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request");
  e = Reject(r, kSuite, SuiteTime());
  EXPECT_EQ(e.code, "IncompleteSignature");
  EXPECT_EQ(e.message, "Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256");
}

TEST(SigV4HelpersTest, EncodingAndDates) {
  EXPECT_EQ(UriEncode("a b/c~$", false), "a%20b%2Fc~%24");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(HexSha256(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace ec2emulator
