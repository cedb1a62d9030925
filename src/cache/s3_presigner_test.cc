#include "cache/s3_presigner.h"

#include <gtest/gtest.h>

#include "cloud/aws/sigv4.h"
#include "util/testing/test_util.h"

namespace cache {
namespace {

config::CacheS3Config DocsExample() {
  config::CacheS3Config s3;
  s3.server_address = "s3.amazonaws.com";
  s3.bucket_name = "examplebucket";
  s3.access_key = "AKIAIOSFODNN7EXAMPLE";
  s3.secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  return s3;
}

CredentialSource Static(const config::CacheS3Config& s3) {
  return [s3]() -> util::Result<cloud::aws::Credentials> {
    return cloud::aws::Credentials{s3.access_key, s3.secret_key, s3.session_token, std::nullopt, "test"};
  };
}

TEST(S3PresignerTest, MatchesTheS3DocumentationVector) {
  auto t = cloud::aws::ParseAmzDate("20130524T000000Z");
  ASSERT_OK(t);
  util::ManualClock clock(*t);
  auto s3 = DocsExample();
  auto p = S3Presigner::Create(s3, Static(s3), clock);
  ASSERT_OK(p);
  EXPECT_EQ(p->ObjectUrl("test.txt"), "https://examplebucket.s3.amazonaws.com/test.txt");
  auto url = p->Get("test.txt", std::chrono::seconds(86400));
  ASSERT_OK(url);
  EXPECT_NE(url->url.find("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
            std::string::npos)
      << url->url;
  EXPECT_TRUE(url->headers.empty());
}

TEST(S3PresignerTest, PutSignsTheCacheKeyMetadata) {
  util::ManualClock clock(util::SystemClock::Get().Now());
  config::CacheS3Config s3 = DocsExample();
  s3.server_address = "127.0.0.1:9000";
  s3.insecure = true;
  s3.bucket_location = "eu-west-1";
  auto p = S3Presigner::Create(s3, Static(s3), clock);
  ASSERT_OK(p);
  EXPECT_EQ(p->ObjectUrl("runner/t/project/1/a b"), "http://127.0.0.1:9000/examplebucket/runner/t/project/1/a%20b");
  auto put = p->Put("runner/t/project/1/key", "key", std::chrono::seconds(3600));
  ASSERT_OK(put);
  ASSERT_EQ(put->headers.size(), 1u);
  EXPECT_EQ(put->headers[0], (std::pair<std::string, std::string>{"x-amz-meta-cachekey", "key"}));
  EXPECT_NE(put->url.find("X-Amz-SignedHeaders=host%3Bx-amz-meta-cachekey"), std::string::npos) << put->url;
  EXPECT_NE(put->url.find("%2Feu-west-1%2Fs3%2Faws4_request"), std::string::npos) << put->url;
  EXPECT_NE(put->url.find("X-Amz-Expires=3600"), std::string::npos) << put->url;
  EXPECT_EQ(put->url.find("wJalrXUtnFEMI"), std::string::npos);
}

TEST(S3PresignerTest, EndpointRules) {
  util::ManualClock clock;
  config::CacheS3Config s3 = DocsExample();
  s3.server_address = "";
  s3.bucket_location = "us-west-2";
  EXPECT_EQ(S3Presigner::Create(s3, Static(s3), clock)->ObjectUrl("k"), "https://examplebucket.s3.us-west-2.amazonaws.com/k");
  s3.bucket_name = "my.dotted.bucket";
  EXPECT_EQ(S3Presigner::Create(s3, Static(s3), clock)->ObjectUrl("k"), "https://s3.us-west-2.amazonaws.com/my.dotted.bucket/k");
  s3.server_address = "minio.example.com:443";
  s3.bucket_name = "b";
  EXPECT_EQ(S3Presigner::Create(s3, Static(s3), clock)->ObjectUrl("k"), "https://minio.example.com/b/k");
  s3.path_style = false;
  EXPECT_EQ(S3Presigner::Create(s3, Static(s3), clock)->ObjectUrl("k"), "https://b.minio.example.com/k");
  s3.bucket_name = "";
  auto missing = S3Presigner::Create(s3, Static(s3), clock);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "[runners.cache.s3] BucketName is empty");
}

}  // namespace
}  // namespace cache
