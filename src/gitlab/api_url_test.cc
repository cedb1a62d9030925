#include "gitlab/api_url.h"

#include <gtest/gtest.h>

namespace gitlab {
namespace {

std::string Norm(std::string_view url) {
  auto r = NormalizeApiUrl(url);
  return r.ok() ? r.value() : "ERROR: " + r.status().message();
}

TEST(NormalizeApiUrlTest, AppendsApiV4) {
  EXPECT_EQ(Norm("https://gitlab.example.com"), "https://gitlab.example.com/api/v4/");
  EXPECT_EQ(Norm("https://gitlab.example.com/"), "https://gitlab.example.com/api/v4/");
  EXPECT_EQ(Norm("https://gitlab.example.com///"), "https://gitlab.example.com/api/v4/");
  EXPECT_EQ(Norm("http://127.0.0.1:8080/gitlab/"), "http://127.0.0.1:8080/gitlab/api/v4/");
}

TEST(NormalizeApiUrlTest, StripsLegacyCiSuffix) {
  EXPECT_EQ(Norm("https://gitlab.example.com/ci"), "https://gitlab.example.com/api/v4/");
  EXPECT_EQ(Norm("https://gitlab.example.com/ci/"), "https://gitlab.example.com/api/v4/");
  EXPECT_EQ(Norm("https://gitlab.example.com/sub/ci//"), "https://gitlab.example.com/sub/api/v4/");
}

TEST(NormalizeApiUrlTest, RejectsOtherSchemes) {
  EXPECT_FALSE(NormalizeApiUrl("ftp://gitlab.example.com").ok());
  EXPECT_FALSE(NormalizeApiUrl("gitlab.example.com").ok());
  EXPECT_FALSE(NormalizeApiUrl("https://").ok());
  EXPECT_FALSE(NormalizeApiUrl("").ok());
  EXPECT_EQ(NormalizeApiUrl("unix:///x").status().code(), util::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace gitlab
