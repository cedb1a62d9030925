#include "cache/local_archive.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "archive/extractor.h"
#include "archive/file_set.h"
#include "archive/writer.h"
#include "util/testing/test_util.h"

namespace cache {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Select(const fs::path& root) {
  archives::FileSelection sel;
  sel.paths = {"vendor/"};
  auto files = archives::SelectFiles(root.string(), sel);
  EXPECT_OK(files);
  return files.ok() ? files->files : std::vector<std::string>{};
}

void Tree(const fs::path& root) {
  fs::create_directories(root / "vendor/lib");
  std::ofstream(root / "vendor/lib/dep.txt") << "dependency " << std::string(5000, 'd');
  std::ofstream(root / "vendor/top.txt") << "top";
}

TEST(LocalArchiveTest, CompressionFormatAndLevelAsGitlabRunnerReadsThem) {
  std::string w;
  EXPECT_EQ(CacheFormat("", &w), archives::Format::kZip);
  EXPECT_EQ(w, "");
  EXPECT_EQ(CacheFormat("zip", &w), archives::Format::kZip);
  EXPECT_EQ(CacheFormat("TarZstd", &w), archives::Format::kTarZstd);
  EXPECT_EQ(w, "");
  EXPECT_EQ(CacheFormat("zipzstd", &w), archives::Format::kZip);
  EXPECT_EQ(w, "CACHE_COMPRESSION_FORMAT zipzstd is written as zip (deflate)");
  EXPECT_EQ(CacheFormat("rar", &w), archives::Format::kZip);
  EXPECT_EQ(w, "CACHE_COMPRESSION_FORMAT \"rar\" is not zip or tarzstd; using zip");
  EXPECT_EQ(CacheLevel("fastest", &w), archives::Level::kFastest);
  EXPECT_EQ(CacheLevel("Slowest", &w), archives::Level::kSlowest);
  EXPECT_EQ(CacheLevel("", &w), archives::Level::kDefault);
  EXPECT_EQ(w, "");
  EXPECT_EQ(CacheLevel("max", &w), archives::Level::kDefault);
  EXPECT_EQ(w, "CACHE_COMPRESSION_LEVEL \"max\" is invalid; using default");
}

// Each format is written under the same name cache.zip and restored by its magic bytes;
// the levels change the size.
TEST(LocalArchiveTest, EachFormatRoundTripsUnderTheSameName) {
  testutil::TempDir src;
  Tree(src.path());
  std::ofstream(src.path() / "vendor/big.txt") << std::string(200000, 'x');
  for (const char* name : {"zip", "tarzstd"}) {
    std::string w;
    archives::Format f = CacheFormat(name, &w);
    int64_t sizes[2] = {0, 0};
    int i = 0;
    for (const char* level : {"fastest", "slowest"}) {
      testutil::TempDir cache, dst;
      std::string file = (cache.path() / "cache.zip").string();
      auto stats = archives::WriteArchive(src.path().string(), Select(src.path()), f, CacheLevel(level, &w), file);
      ASSERT_OK(stats);
      sizes[i++] = stats->output_bytes;
      auto detected = archives::DetectFileFormat(file);
      ASSERT_OK(detected);
      EXPECT_EQ(*detected, f) << name;
      ASSERT_OK(archives::ExtractArchive(file, dst.path().string()));
      EXPECT_EQ(testutil::ReadFile(dst.path() / "vendor/lib/dep.txt"), testutil::ReadFile(src.path() / "vendor/lib/dep.txt"));
      EXPECT_EQ(fs::file_size(dst.path() / "vendor/big.txt"), 200000u);
    }
    EXPECT_GT(sizes[0], sizes[1]) << name << ": fastest should be larger than slowest";
  }
}

// gitlab-runner's rule: after a restore nothing is newer than the archive, so the cache is
// not archived and uploaded again; a changed or added file (or a touched directory) is.
TEST(LocalArchiveTest, RestoredTreeIsUpToDateUntilSomethingChanges) {
  for (auto format : {archives::Format::kZip, archives::Format::kTarZstd}) {
    testutil::TempDir src, cache, project;
    Tree(src.path());
    std::string file = (cache.path() / "cache.zip").string();
    EXPECT_FALSE(*ArchiveUpToDate(src.path().string(), Select(src.path()), file));  // no archive yet
    ASSERT_OK(archives::WriteArchive(src.path().string(), Select(src.path()), format, archives::Level::kDefault, file));
    EXPECT_TRUE(*ArchiveUpToDate(src.path().string(), Select(src.path()), file));
    // The download stamps the archive with the object's Last-Modified (whole seconds).
    auto lm = ParseHttpDate("Sat, 28 Nov 2026 12:00:00 GMT");
    ASSERT_TRUE(lm.has_value());
    // Entries older than that: the writer ran "before the upload".
    for (const auto& rel : Select(src.path())) {
      time_t before = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(lm->time_since_epoch()).count()) - 30;
      struct timespec ts[2] = {{0, UTIME_OMIT}, {before, 250000000}};
      ASSERT_EQ(utimensat(AT_FDCWD, (src.path() / rel).c_str(), ts, AT_SYMLINK_NOFOLLOW), 0);
    }
    ASSERT_OK(archives::WriteArchive(src.path().string(), Select(src.path()), format, archives::Level::kDefault, file));
    ASSERT_OK(SetModificationTime(file, *lm));
    ASSERT_OK(archives::ExtractArchive(file, project.path().string()));
    auto files = Select(project.path());
    ASSERT_EQ(files.size(), 4u);
    auto up = ArchiveUpToDate(project.path().string(), files, file);
    ASSERT_OK(up);
    EXPECT_TRUE(*up) << "a restored tree must count as unchanged";

    std::ofstream(project.path() / "vendor/lib/dep.txt", std::ios::app) << "changed";
    EXPECT_FALSE(*ArchiveUpToDate(project.path().string(), Select(project.path()), file));
  }
}

TEST(LocalArchiveTest, HttpDates) {
  auto t = ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->time_since_epoch(), std::chrono::seconds(784111777));
  EXPECT_FALSE(ParseHttpDate("yesterday").has_value());
  EXPECT_FALSE(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT trailing").has_value());
  testutil::TempDir d;
  std::string f = (d.path() / "f").string();
  std::ofstream(f) << "x";
  ASSERT_OK(SetModificationTime(f, *t));
  struct stat st;
  ASSERT_EQ(stat(f.c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 784111777);
  auto missing = SetModificationTime((d.path() / "nope").string(), *t);
  EXPECT_FALSE(missing.ok());
}

}  // namespace
}  // namespace cache
