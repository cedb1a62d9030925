#include "executor/docker/allow_list.h"

#include <gtest/gtest.h>

#include <mutex>

namespace executor::docker {
namespace {

class Capture final : public OutputSink {
 public:
  void Write(std::string_view b) override { text.append(b); }
  std::string text;
};

TEST(GlobMatchTest, StarStaysWithinOnePart) {
  EXPECT_TRUE(GlobMatch("ruby:*", "ruby:3.2"));
  EXPECT_TRUE(GlobMatch("*", "alpine"));
  EXPECT_FALSE(GlobMatch("*", "library/alpine"));
  EXPECT_TRUE(GlobMatch("*/*", "library/alpine"));
  EXPECT_FALSE(GlobMatch("ruby:*", "ruby"));
  EXPECT_FALSE(GlobMatch("ruby:*", "docker.io/ruby:3"));
  EXPECT_TRUE(GlobMatch("registry.example.com/*/*:*", "registry.example.com/group/app:1"));
}

TEST(GlobMatchTest, DoubleStarSpansParts) {
  EXPECT_TRUE(GlobMatch("**", "a/b/c:1"));
  EXPECT_TRUE(GlobMatch("registry.example.com/**", "registry.example.com/g/sub/img:1"));
  EXPECT_TRUE(GlobMatch("registry.example.com/**", "registry.example.com"));
  EXPECT_TRUE(GlobMatch("**/postgres:*", "postgres:15"));
  EXPECT_TRUE(GlobMatch("**/postgres:*", "docker.io/library/postgres:15"));
  EXPECT_FALSE(GlobMatch("registry.example.com/**", "other.example.com/g/img"));
  // Not a whole part: like `*`.
  EXPECT_TRUE(GlobMatch("ruby**", "ruby:3"));
  EXPECT_FALSE(GlobMatch("ruby**", "ruby/x"));
}

TEST(GlobMatchTest, ClassesAlternativesEscapes) {
  EXPECT_TRUE(GlobMatch("python:3.1[0-2]", "python:3.11"));
  EXPECT_FALSE(GlobMatch("python:3.1[0-2]", "python:3.13"));
  EXPECT_TRUE(GlobMatch("python:3.[!0-9]", "python:3.x"));
  EXPECT_TRUE(GlobMatch("{ruby,python}:*", "python:3"));
  EXPECT_FALSE(GlobMatch("{ruby,python}:*", "node:3"));
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("alp?ne", "alpine"));
  // Invalid patterns match nothing.
  EXPECT_FALSE(GlobMatch("[abc", "a"));
  EXPECT_FALSE(GlobMatch("{a,b", "a"));
}

TEST(VerifyAllowedImageTest, PrintsGitlabRunnersLinesAndFails) {
  Capture out;
  util::Status s = VerifyAllowedImage("evil:latest", "images", {"ruby:*", "python:*"}, {}, out);
  EXPECT_EQ(s.code(), util::Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "disallowed image");
  EXPECT_NE(out.text.find("ERROR: The \"evil:latest\" image is not present on list of allowed images:"),
            std::string::npos)
      << out.text;
  EXPECT_NE(out.text.find("- ruby:*\n- python:*\n"), std::string::npos) << out.text;
  EXPECT_NE(out.text.find("Please check runner's allowed_images configuration"), std::string::npos);
}

TEST(VerifyAllowedImageTest, EmptyListMatchOrInternalAllow) {
  Capture out;
  EXPECT_TRUE(VerifyAllowedImage("anything:1", "services", {}, {}, out).ok());
  EXPECT_TRUE(VerifyAllowedImage("ruby:3", "images", {"ruby:*"}, {}, out).ok());
  EXPECT_TRUE(VerifyAllowedImage("alpine:latest", "images", {"ruby:*"}, {"alpine:latest"}, out).ok());
  EXPECT_EQ(out.text, "");
  util::Status s = VerifyAllowedImage("redis:7", "services", {"postgres:*"}, {"mysql:8"}, out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(out.text.find("image is not present on list of allowed services:"), std::string::npos);
}

TEST(PrivilegedAllowedTest, OnlyListedImages) {
  EXPECT_TRUE(PrivilegedAllowed("docker:dind", {}));
  EXPECT_TRUE(PrivilegedAllowed("docker:24-dind", {"docker:*-dind", "docker:dind"}));
  EXPECT_FALSE(PrivilegedAllowed("alpine:latest", {"docker:*"}));
}

TEST(VerifyAllowedUserTest, GitlabRunnersRules) {
  EXPECT_TRUE(VerifyAllowedUser("", {"root"}, "").ok());
  EXPECT_TRUE(VerifyAllowedUser("anyone", {}, "").ok());
  EXPECT_TRUE(VerifyAllowedUser("app", {}, "app").ok());
  EXPECT_TRUE(VerifyAllowedUser("1000", {"root", "1000"}, "").ok());
  util::Status s = VerifyAllowedUser("nobody", {"root", "1000"}, "");
  EXPECT_EQ(s.message(), "user \"nobody\" is not an allowed user: [root 1000]");
  s = VerifyAllowedUser("nobody", {}, "app");
  EXPECT_EQ(s.message(), "user \"nobody\" is not an allowed user: [app]");
}

}  // namespace
}  // namespace executor::docker
