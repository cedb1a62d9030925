#include "util/testing/test_util.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

namespace testutil {

std::filesystem::path SourceDir() {
  if (const char* d = std::getenv("SR_SOURCE_DIR")) return d;
#ifdef SR_SOURCE_DIR
  return SR_SOURCE_DIR;
#else
  return std::filesystem::current_path();
#endif
}

std::filesystem::path FixturePath(const std::string& relative) {
  std::filesystem::path p = SourceDir() / "tests" / "fixtures" / relative;
  std::error_code ec;
  if (!std::filesystem::exists(p, ec)) ADD_FAILURE() << "missing test fixture: " << p.string();
  return p;
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "sr-test-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  path_ = made ? made : tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace testutil
