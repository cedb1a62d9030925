// Round trips through WriteArchive/ExtractArchive, interoperability with the zip and
// unzip tools, and the refusals that keep extraction inside its directory.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "archive/extractor.h"
#include "archive/file_set.h"
#include "archive/writer.h"
#include "util/testing/test_util.h"

namespace archives {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

std::string Read(const fs::path& p) { return testutil::ReadFile(p); }

// Builds a tar+zstd (or zip) with arbitrary entry names, as an attacker would.
void Hostile(const std::string& out, bool zip, const std::vector<std::tuple<std::string, std::string, std::string>>& entries) {
  struct archive* a = archive_write_new();
  if (zip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_zstd(a);
  }
  ASSERT_EQ(archive_write_open_filename(a, out.c_str()), ARCHIVE_OK);
  for (const auto& [name, link, body] : entries) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name.c_str());
    if (!link.empty() && link[0] == '=') {  // "=<name>": a hard link to <name>
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_hardlink(e, link.c_str() + 1);
    } else if (!link.empty()) {
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, link.c_str());
      archive_entry_set_perm(e, 0777);
    } else {
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_perm(e, 0644);
      archive_entry_set_size(e, static_cast<la_int64_t>(body.size()));
    }
    archive_write_header(a, e);
    if (link.empty()) archive_write_data(a, body.data(), body.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

class ArchiveTest : public ::testing::Test {
 protected:
  fs::path src() { return dir_.path() / "src"; }
  fs::path dst() { return dir_.path() / "dst"; }
  fs::path file(const std::string& n) { return dir_.path() / n; }
  testutil::TempDir dir_;
};

TEST_F(ArchiveTest, SelectsGlobsDirectoriesAndExcludes) {
  Write(src() / "build/a.o", "a");
  Write(src() / "build/sub/b.o", "b");
  Write(src() / "build/sub/b.tmp", "tmp");
  Write(src() / "keep.txt", "k");
  Write(src() / "other/x.o", "x");
  FileSelection sel;
  sel.paths = {"build/", "**/x.o", "missing/*", "../outside"};
  sel.exclude = {"**/*.tmp"};
  auto got = SelectFiles(src().string(), sel);
  ASSERT_OK(got);
  EXPECT_EQ(got->files, (std::vector<std::string>{"build", "build/a.o", "build/sub", "build/sub/b.o", "other", "other/x.o"}));
  ASSERT_EQ(got->warnings.size(), 2u);
  EXPECT_EQ(got->warnings[0], "missing/*: no matching files. Ensure that the artifact path is relative to the working directory");
  EXPECT_EQ(got->warnings[1], "processPath: artifact path is not a subpath of project directory: ../outside");
}

TEST_F(ArchiveTest, SymlinksAreStoredNotFollowed) {
  Write(dir_.path() / "secret", "s3cr3t");
  Write(src() / "in/file", "f");
  fs::create_directory_symlink(dir_.path(), src() / "escape");
  fs::create_symlink("../../secret", src() / "in/link");
  FileSelection sel;
  sel.paths = {"in", "escape/secret", "escape"};
  auto got = SelectFiles(src().string(), sel);
  ASSERT_OK(got);
  EXPECT_EQ(got->files, (std::vector<std::string>{"escape", "in", "in/file", "in/link"}));
  auto stats = WriteArchive(src().string(), got->files, Format::kZip, Level::kDefault, file("a.zip").string());
  ASSERT_OK(stats);
  EXPECT_EQ(stats->input_bytes, 1);  // only in/file's content; links are names
}

TEST_F(ArchiveTest, ZipRoundTripKeepsContentModeAndEmptyDirs) {
  std::string big(3 * 1024 * 1024 + 17, 'z');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i / 4096);
  Write(src() / "d/big.bin", big);
  Write(src() / "d/run.sh", "#!/bin/sh\n");
  fs::permissions(src() / "d/run.sh", fs::perms(0755));
  fs::create_directories(src() / "d/empty");
  fs::create_symlink("big.bin", src() / "d/alias");
  FileSelection sel;
  sel.paths = {"d"};
  auto files = SelectFiles(src().string(), sel);
  ASSERT_OK(files);
  for (Level l : {Level::kFastest, Level::kDefault}) {
    ASSERT_OK(WriteArchive(src().string(), files->files, Format::kZip, l, file("c.zip").string()));
    fs::remove_all(dst());
    auto x = ExtractArchive(file("c.zip").string(), dst().string());
    ASSERT_OK(x);
    EXPECT_EQ(x->entries, 5);
    EXPECT_EQ(Read(dst() / "d/big.bin"), big);
    EXPECT_TRUE(fs::is_directory(dst() / "d/empty"));
    EXPECT_EQ(fs::read_symlink(dst() / "d/alias"), "big.bin");
    EXPECT_EQ(fs::status(dst() / "d/run.sh").permissions() & fs::perms::owner_exec, fs::perms::owner_exec);
  }
}

TEST_F(ArchiveTest, TarZstdAndGzipRoundTrip) {
  Write(src() / "r/junit.xml", "<testsuites/>");
  Write(src() / "r/cov.xml", "<coverage/>");
  std::vector<std::string> files = {"r", "r/cov.xml", "r/junit.xml"};
  ASSERT_OK(WriteArchive(src().string(), files, Format::kTarZstd, Level::kDefault, file("a.tar.zst").string()));
  EXPECT_EQ(*DetectFileFormat(file("a.tar.zst").string()), Format::kTarZstd);
  ASSERT_OK(ExtractArchive(file("a.tar.zst").string(), (dst() / "t").string()));
  EXPECT_EQ(Read(dst() / "t/r/junit.xml"), "<testsuites/>");
  ASSERT_OK(WriteArchive(src().string(), files, Format::kGzip, Level::kDefault, file("a.gz").string()));
  EXPECT_EQ(*DetectFileFormat(file("a.gz").string()), Format::kGzip);
  auto x = ExtractArchive(file("a.gz").string(), (dst() / "g").string());
  ASSERT_OK(x);
  EXPECT_EQ(x->entries, 2);
  EXPECT_EQ(Read(dst() / "g/r/cov.xml"), "<coverage/>");
  EXPECT_EQ(Read(dst() / "g/r/junit.xml"), "<testsuites/>");
}

TEST_F(ArchiveTest, RawNeedsExactlyOneFile) {
  Write(src() / "a", "1");
  Write(src() / "b", "2");
  auto r = WriteArchive(src().string(), {"a", "b"}, Format::kRaw, Level::kDefault, file("raw").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "artifact_format raw needs exactly one file, the paths matched 2");
  ASSERT_OK(WriteArchive(src().string(), {"a"}, Format::kRaw, Level::kDefault, file("raw").string()));
  EXPECT_EQ(Read(file("raw")), "1");
}

TEST_F(ArchiveTest, InteroperatesWithZipAndUnzip) {
  Write(src() / "p/one.txt", "one");
  Write(src() / "p/q/two.txt", std::string(100000, 't'));
  ASSERT_EQ(std::system(("cd '" + src().string() + "' && zip -qr '" + file("tool.zip").string() + "' p").c_str()), 0);
  ASSERT_OK(ExtractArchive(file("tool.zip").string(), dst().string()));
  EXPECT_EQ(Read(dst() / "p/q/two.txt"), std::string(100000, 't'));

  ASSERT_OK(WriteArchive(src().string(), {"p", "p/one.txt", "p/q", "p/q/two.txt"}, Format::kZip, Level::kDefault,
                         file("mine.zip").string()));
  ASSERT_EQ(std::system(("unzip -tq '" + file("mine.zip").string() + "' >/dev/null").c_str()), 0);
  ASSERT_EQ(std::system(("unzip -qo '" + file("mine.zip").string() + "' -d '" + (dir_.path() / "u").string() + "'").c_str()), 0);
  EXPECT_EQ(Read(dir_.path() / "u/p/one.txt"), "one");
}

TEST_F(ArchiveTest, RefusesEntriesThatLeaveTheDirectory) {
  struct Case {
    std::vector<std::tuple<std::string, std::string, std::string>> entries;
    std::string message;
  };
  std::vector<Case> cases = {
      {{{"../evil", "", "x"}}, "archive entry refused: path \"../evil\" leaves the directory through \"..\""},
      {{{"/tmp/evil", "", "x"}}, "archive entry refused: path \"/tmp/evil\" is absolute"},
      {{{"link", "/etc", ""}}, "archive entry \"link\" is a symbolic link to \"/etc\", outside the directory; refusing to extract it"},
      {{{"ok", "..", ""}}, "archive entry \"ok\" is a symbolic link to \"..\", outside the directory; refusing to extract it"},
      {{{"in", "sub", ""}, {"in/x", "", "x"}},
       "archive entry \"in/x\" would be written through the symbolic link \"in\"; refusing to extract it"},
  };
  int n = 0;
  for (bool zip : {false, true}) {
    for (const Case& c : cases) {
      std::string path = file("h" + std::to_string(n++) + (zip ? ".zip" : ".tar.zst")).string();
      Hostile(path, zip, c.entries);
      auto r = ExtractArchive(path, (dst() / "t").string());
      ASSERT_FALSE(r.ok()) << path;
      EXPECT_EQ(r.status().message(), c.message) << path;
    }
  }
  EXPECT_FALSE(fs::exists(dir_.path() / "evil"));
}

// Symbolic link targets are resolved against what is already extracted: each link of a
// chain stays inside on its own (lexically), the chain does not.
TEST_F(ArchiveTest, RefusesSymlinkChainsThatLeave) {
  struct Case {
    std::vector<std::tuple<std::string, std::string, std::string>> entries;
    std::string message;
    std::string absent;  // the link that must not be left on disk
  };
  std::vector<Case> cases = {
      {{{"d", ".", ""}, {"e", "d/..", ""}},
       "archive entry \"e\" is a symbolic link to \"d/..\", outside the directory; refusing to extract it", "e"},
      {{{"x/up", "..", ""}, {"z", "x/up/..", ""}},
       "archive entry \"z\" is a symbolic link to \"x/up/..\", outside the directory; refusing to extract it", "z"},
      {{{"e", "d/..", ""}, {"d", ".", ""}},
       "archive entry \"e\" -> \"d/..\" is a symbolic link that resolves outside the directory through other links "
       "of the archive; removed it",
       "e"},
      {{{"x/l", "../y", ""}, {"y", "", "data"}, {"l2", "=x/l", ""}},
       "archive entry \"l2\" is a hard link to the symbolic link \"x/l\"; refusing to extract it", "l2"},
  };
  int n = 0;
  for (bool zip : {false, true}) {
    for (const Case& c : cases) {
      if (zip && std::get<1>(c.entries.back()).rfind('=', 0) == 0) continue;  // zip has no hard links
      std::string path = file("c" + std::to_string(n++) + (zip ? ".zip" : ".tar.zst")).string();
      Hostile(path, zip, c.entries);
      fs::path out = dst() / ("c" + std::to_string(n));
      auto r = ExtractArchive(path, out.string());
      ASSERT_FALSE(r.ok()) << path;
      EXPECT_EQ(r.status().message(), c.message) << path;
      EXPECT_FALSE(fs::is_symlink(out / c.absent)) << path;
    }
  }
  // A chain that stays inside is extracted as it is.
  std::string ok = file("ok.tar.zst").string();
  Hostile(ok, false, {{"d", "sub", ""}, {"sub/f", "", "x"}, {"e", "d/f", ""}, {"sub/up", "..", ""}, {"g", "sub/up/e", ""}});
  auto r = ExtractArchive(ok, (dst() / "ok").string());
  ASSERT_OK(r);
  EXPECT_EQ(Read(dst() / "ok/g"), "x");
}

TEST_F(ArchiveTest, RefusesWritingThroughAnExistingSymlink) {
  fs::create_directories(dst());
  fs::create_directories(dir_.path() / "outside");
  fs::create_directory_symlink(dir_.path() / "outside", dst() / "out");
  Write(src() / "out/f", "x");
  ASSERT_OK(WriteArchive(src().string(), {"out/f"}, Format::kZip, Level::kDefault, file("s.zip").string()));
  auto r = ExtractArchive(file("s.zip").string(), dst().string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "archive entry \"out/f\" would be written through the symbolic link \"out\"; refusing to extract it");
  EXPECT_FALSE(fs::exists(dir_.path() / "outside/f"));
}

// Existing files are replaced; a symbolic link where a file is restored is replaced by
// the file, never followed.
TEST_F(ArchiveTest, ReplacesExistingFilesAndLinksWithoutFollowingThem) {
  for (Format f : {Format::kZip, Format::kTarZstd}) {
    testutil::TempDir d;
    fs::path out = d.path() / "dst", outside = d.path() / "outside.txt";
    Write(src() / "a.txt", "new-a");
    Write(src() / "b.txt", "new-b");
    Write(out / "a.txt", "old-a with more bytes than the new one");
    Write(outside, "outside stays");
    fs::create_symlink(outside, out / "b.txt");
    std::string zip = (d.path() / "r.archive").string();
    ASSERT_OK(WriteArchive(src().string(), {"a.txt", "b.txt"}, f, Level::kDefault, zip));
    ASSERT_OK(ExtractArchive(zip, out.string()));
    EXPECT_EQ(Read(out / "a.txt"), "new-a");
    EXPECT_FALSE(fs::is_symlink(out / "b.txt"));
    EXPECT_EQ(Read(out / "b.txt"), "new-b");
    EXPECT_EQ(Read(outside), "outside stays");
  }
}

TEST_F(ArchiveTest, CorruptAndTruncatedArchivesFailWithAMessage) {
  Write(src() / "f", std::string(200000, 'q'));
  ASSERT_OK(WriteArchive(src().string(), {"f"}, Format::kZip, Level::kFastest, file("ok.zip").string()));
  std::string bytes = Read(file("ok.zip"));
  Write(file("trunc.zip"), bytes.substr(0, bytes.size() / 2));
  auto r = ExtractArchive(file("trunc.zip").string(), dst().string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("corrupt or truncated"), std::string::npos) << r.status().message();
  Write(file("junk.zip"), "this is not an archive at all");
  EXPECT_FALSE(ExtractArchive(file("junk.zip").string(), dst().string()).ok());
  ASSERT_OK(WriteArchive(src().string(), {"f"}, Format::kGzip, Level::kDefault, file("ok.gz").string()));
  std::string gz = Read(file("ok.gz"));
  Write(file("trunc.gz"), gz.substr(0, gz.size() - 20));
  auto g = ExtractArchive(file("trunc.gz").string(), (dst() / "g").string());
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("truncated"), std::string::npos) << g.status().message();
  EXPECT_EQ(ExtractArchive(file("nope.zip").string(), dst().string()).status().code(), util::Status::Code::kNotFound);
}

}  // namespace
}  // namespace archives
