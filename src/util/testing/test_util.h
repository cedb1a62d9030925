#pragma once
// Helpers shared by every test: status matchers, fixture paths, scratch directories.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "util/status.h"

namespace testutil {
inline const util::Status& StatusOf(const util::Status& s) { return s; }
template <typename T>
const util::Status& StatusOf(const util::Result<T>& r) {
  return r.status();
}
}  // namespace testutil

// Work with a Status or a Result<T>, lvalue or temporary; nothing is copied.
#define EXPECT_OK(expr)                                                        \
  do {                                                                         \
    const auto& sr_s_ = (expr);                                                \
    EXPECT_TRUE(sr_s_.ok()) << ::testutil::StatusOf(sr_s_).ToString();         \
  } while (0)
#define ASSERT_OK(expr)                                                        \
  do {                                                                         \
    const auto& sr_s_ = (expr);                                                \
    ASSERT_TRUE(sr_s_.ok()) << ::testutil::StatusOf(sr_s_).ToString();         \
  } while (0)

namespace testutil {

// The repository's checkout and its fixtures (tests/fixtures/<relative>). A missing fixture is
// a test failure naming the path, so a test whose data is absent says which file it lacks.
// ReadFile gives "" for a file it cannot open (tests also read /proc entries that may vanish).
std::filesystem::path SourceDir();
std::filesystem::path FixturePath(const std::string& relative);
std::string ReadFile(const std::filesystem::path& p);

// A fresh directory removed (recursively) when it goes out of scope.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace testutil
