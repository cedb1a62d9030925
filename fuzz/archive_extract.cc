// Cache and artifacts archives (zip, tar+zstd, gzip, raw) extracted into a scratch
// directory: any bytes give entries or an error naming the entry, and nothing appears
// beside the target directory.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "archive/extractor.h"
#include "fuzz_input.h"

namespace {

namespace fs = std::filesystem;

// One scratch directory per process, removed at exit.
const fs::path& Scratch() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "sr-fuzz-archive-XXXXXX").string();
    FUZZ_CHECK(mkdtemp(tmpl.data()) != nullptr);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(Scratch(), ec);
    });
    return fs::path(tmpl);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const fs::path& root = Scratch();
  fs::path archive = root / "archive.bin", out = root / "out";
  {
    std::ofstream f(archive, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    FUZZ_CHECK(f.good());
  }
  auto stats = archives::ExtractArchive(archive.string(), out.string());
  if (!stats.ok()) FUZZ_CHECK(!stats.status().message().empty());
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.path() != archive && e.path() != out) {
      std::fprintf(stderr, "written outside the target directory: %s\n", e.path().c_str());
      FUZZ_CHECK(false);
    }
  }
  std::error_code ec;
  fs::remove_all(out, ec);
  FUZZ_CHECK(!ec);
  return 0;
}
