#include "executor/docker/image_archive.h"

#include <gtest/gtest.h>

#include <fstream>

#include "executor/docker/tar_builder.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

const std::string kHex = "070eb89bf029a3e1d5c0f4b1f2a6c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2";

TEST(ParseSaveManifestTest, DockerFormatGivesTheConfigDigestAndTags) {
  auto info = ParseSaveManifest(R"([{"Config":")" + kHex +
                                R"(.json","RepoTags":["spotrunner-helper:local"],"Layers":["a/layer.tar"]}])");
  ASSERT_OK(info);
  EXPECT_EQ(info->image_id, "sha256:" + kHex);
  EXPECT_EQ(info->repo_tags, std::vector<std::string>{"spotrunner-helper:local"});
}

TEST(ParseSaveManifestTest, OciLayoutConfigPathGivesTheSameId) {
  auto info = ParseSaveManifest(R"([{"Config":"blobs/sha256/)" + kHex + R"(","RepoTags":null,"Layers":[]}])");
  ASSERT_OK(info);
  EXPECT_EQ(info->image_id, "sha256:" + kHex);
  EXPECT_TRUE(info->repo_tags.empty());
}

TEST(ParseSaveManifestTest, RefusesWhatIsNotOneImage) {
  EXPECT_EQ(ParseSaveManifest("{}").status().message(), "manifest.json is not a JSON array");
  EXPECT_EQ(ParseSaveManifest("[]").status().message(), "manifest.json names 0 images, not one");
  EXPECT_EQ(ParseSaveManifest(R"([{"RepoTags":[]}])").status().message(), "manifest.json has no Config entry");
  EXPECT_EQ(ParseSaveManifest(R"([{"Config":"abc.json"}])").status().message(),
            "manifest.json: Config \"abc.json\" is not a sha256 digest");
}

class ReadTarMemberTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& bytes) {
    std::string path = (dir_.path() / "image.tar").string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::string Archive() {
    auto tar = BuildTar({{"abc", "", 0755, true},
                         {"abc/layer.tar", std::string(70000, 'x')},  // skipped, not read
                         {"manifest.json", "[{\"Config\":\"x.json\"}]"},
                         {"repositories", "{}"}});
    EXPECT_OK(tar);
    return tar.ok() ? *tar : "";
  }
  testutil::TempDir dir_;
};

TEST_F(ReadTarMemberTest, FindsAMemberAfterLargeOnes) {
  auto m = ReadTarMember(Write(Archive()), "manifest.json");
  ASSERT_OK(m);
  EXPECT_EQ(*m, "[{\"Config\":\"x.json\"}]");
}

TEST_F(ReadTarMemberTest, SaysWhichMemberIsMissing) {
  std::string path = Write(Archive());
  auto m = ReadTarMember(path, "index.json");
  EXPECT_EQ(m.status().code(), util::Status::Code::kNotFound);
  EXPECT_EQ(m.status().message(), path + ": no index.json in the archive");
}

TEST_F(ReadTarMemberTest, ATruncatedArchiveIsNotATar) {
  std::string tar = Archive();
  std::string path = Write(tar.substr(0, 40000));  // cut inside the layer
  auto m = ReadTarMember(path, "manifest.json");
  EXPECT_EQ(m.status().code(), util::Status::Code::kInvalidArgument);
  EXPECT_EQ(m.status().message().rfind(path + ": truncated tar archive (it ends before offset ", 0), 0u)
      << m.status().message();
}

TEST_F(ReadTarMemberTest, AMissingFileIsNotFound) {
  auto m = ReadTarMember((dir_.path() / "none.tar").string(), "manifest.json");
  EXPECT_EQ(m.status().code(), util::Status::Code::kNotFound);
}

TEST_F(ReadTarMemberTest, RefusesAMemberPastTheLimit) {
  auto m = ReadTarMember(Write(Archive()), "manifest.json", 8);
  EXPECT_EQ(m.status().code(), util::Status::Code::kResourceExhausted);
}

}  // namespace
}  // namespace executor::docker
