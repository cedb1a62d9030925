// The emulator's verifier against the project's client signer (cloud/aws/sigv4.h), each
// written on its own and each checked against the official vectors: a request the signer
// signs is accepted, and any change to it is refused.
#include <gtest/gtest.h>

#include "cloud/aws/sigv4.h"
#include "ec2emulator/sigv4_verifier.h"
#include "util/testing/test_util.h"

namespace ec2emulator {
namespace {

ReceivedRequest ToReceived(const cloud::aws::SignableRequest& s, const std::string& body) {
  ReceivedRequest r;
  r.method = s.method;
  r.target = s.path;
  r.headers = s.headers;
  r.body = body;
  return r;
}

TEST(SigV4CrossTest, ClientSignerAndVerifierAgree) {
  cloud::aws::Credentials creds;
  creds.access_key_id = "AKIAEMULATOREXAMPLE";
  creds.secret_access_key = "emulator/secret+key";
  const util::Time now = util::Time(std::chrono::seconds(1764316800));
  for (const std::string service : {"ec2", "autoscaling"}) {
    const std::string body = service == "ec2" ? "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName"
                                              : "Action=DescribeAutoScalingGroups&Version=2011-01-01";
    cloud::aws::SignableRequest s;
    s.method = "POST";
    s.path = "/";
    s.headers = {{"Host", "127.0.0.1:8080"}, {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
    s.payload_hash = cloud::aws::HexSha256(body);
    auto signed_r =
        cloud::aws::SignHeaders(s, creds, cloud::aws::SigningOptions::ForService("us-east-1", service), now);
    ASSERT_OK(signed_r);
    SigV4Expectation expect;
    expect.service = service;
    auto ok = VerifySigV4(ToReceived(s, body), {creds.access_key_id, creds.secret_access_key}, expect, now);
    ASSERT_FALSE(IsError(ok)) << std::get<ApiError>(ok).message;
    EXPECT_EQ(std::get<SigV4Authorization>(ok).signature, signed_r->signature);

    auto tampered =
        VerifySigV4(ToReceived(s, body + "&X=1"), {creds.access_key_id, creds.secret_access_key}, expect, now);
    ASSERT_TRUE(IsError(tampered));
    EXPECT_EQ(std::get<ApiError>(tampered).code, "SignatureDoesNotMatch");
  }
}

}  // namespace
}  // namespace ec2emulator
