// Replays fuzz inputs through one target, as a unit test: `fuzz_replay TARGET DIR...` calls
// the target's entry point once per file of each DIR (in name order; a DIR that does not
// exist is skipped: a target without regressions has no folder) and fails when there was
// nothing to replay. A crash, a sanitizer report or a broken invariant ends
// the process, so the test fails naming the file it was replaying (printed first).
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_replay_targets.h"

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s TARGET DIR...\n", argv[0]);
    return 2;
  }
  const FuzzReplayTarget* target = nullptr;
  for (const FuzzReplayTarget& t : kFuzzReplayTargets) {
    if (std::strcmp(t.name, argv[1]) == 0) target = &t;
  }
  if (!target) {
    std::fprintf(stderr, "unknown fuzz target \"%s\"\n", argv[1]);
    return 2;
  }
  int replayed = 0;
  for (int i = 2; i < argc; ++i) {
    std::error_code ec;
    if (!std::filesystem::exists(argv[i], ec)) continue;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(argv[i], ec)) {
      if (e.is_regular_file()) files.push_back(e.path());
    }
    if (ec) {
      std::fprintf(stderr, "%s: %s\n", argv[i], ec.message().c_str());
      return 1;
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (!in.good() && !in.eof()) {
        std::fprintf(stderr, "%s: cannot read\n", f.c_str());
        return 1;
      }
      std::fprintf(stderr, "replaying %s\n", f.c_str());
      target->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
      ++replayed;
    }
  }
  if (replayed == 0) {
    std::fprintf(stderr, "no inputs to replay for %s\n", argv[1]);
    return 1;
  }
  std::printf("%s: %d inputs replayed\n", argv[1], replayed);
  return 0;
}
