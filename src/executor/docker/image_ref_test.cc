#include "executor/docker/image_ref.h"

#include <gtest/gtest.h>

#include "executor/docker/docker_testing.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

TEST(ImageRefTest, Parses) {
  struct Case {
    std::string in, registry, repository, tag, digest, canonical, pull_tag;
  };
  for (const Case& c : std::vector<Case>{
           {"alpine", "docker.io", "alpine", "", "", "alpine:latest", "latest"},
           {"alpine:3.19", "docker.io", "alpine", "3.19", "", "alpine:3.19", "3.19"},
           {"library/ruby:3", "docker.io", "library/ruby", "3", "", "library/ruby:3", "3"},
           {"registry.example.com:5000/g/p/img:1.2", "registry.example.com:5000", "registry.example.com:5000/g/p/img",
            "1.2", "", "registry.example.com:5000/g/p/img:1.2", "1.2"},
           {"localhost/img", "localhost", "localhost/img", "", "", "localhost/img:latest", "latest"},
           {"host:5000/img", "host:5000", "host:5000/img", "", "", "host:5000/img:latest", "latest"},
           {"img@sha256:abc", "docker.io", "img", "", "sha256:abc", "img@sha256:abc", "sha256:abc"},
       }) {
    auto r = ParseImageRef(c.in);
    ASSERT_OK(r);
    EXPECT_EQ(r->registry, c.registry) << c.in;
    EXPECT_EQ(r->repository, c.repository) << c.in;
    EXPECT_EQ(r->tag, c.tag) << c.in;
    EXPECT_EQ(r->digest, c.digest) << c.in;
    EXPECT_EQ(r->Canonical(), c.canonical) << c.in;
    EXPECT_EQ(r->PullTag(), c.pull_tag) << c.in;
  }
}

TEST(ImageRefTest, RejectsBadNames) {
  EXPECT_EQ(ParseImageRef("").status().message(), "invalid image reference \"\": empty");
  EXPECT_EQ(ParseImageRef("a b").status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_EQ(ParseImageRef("img:").status().message(), "invalid image reference \"img:\": empty tag");
  EXPECT_EQ(ParseImageRef("/img").status().code(), util::Status::Code::kInvalidArgument);
}

TEST(ImageRefTest, FindsCredentialsByRegistry) {
  std::map<std::string, std::pair<std::string, std::string>> auth = {
      {"https://registry.example.com:5000", {"u", "p"}},
      {"index.docker.io", {"hub", "pw"}},
  };
  EXPECT_EQ(FindCredentials(auth, "registry.example.com:5000")->first, "u");
  EXPECT_EQ(FindCredentials(auth, "docker.io")->first, "hub");
  EXPECT_FALSE(FindCredentials(auth, "other.example.com").has_value());
}

TEST(ImageRefTest, Base64UrlAndAuthHeader) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg==");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8=");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8=");
  EXPECT_EQ(RegistryAuthHeader("u", "p", "r"),
            Base64UrlEncode(R"({"password":"p","serveraddress":"r","username":"u"})"));
}

}  // namespace
}  // namespace executor::docker
