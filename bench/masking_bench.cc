// Throughput of job::Masker on typical log text with 100 masked values (20-40 chars),
// next to a naive baseline (one std::string::find pass per value) from the same run.
// Run: ./masking_bench ; compare the bytes_per_second counters.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "job/masker.h"

namespace {

std::vector<std::string> MakeSecrets() {
  std::mt19937 rng(7);
  const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+=/@:.~";
  std::vector<std::string> out;
  for (int i = 0; i < 100; ++i) {
    std::string s;
    size_t n = 20 + rng() % 21;
    for (size_t k = 0; k < n; ++k) s += chars[rng() % chars.size()];
    out.push_back(s);
  }
  return out;
}

// ~4 MiB of compiler/test-runner-like output with a secret every ~200 lines and some
// URLs and token-looking words.
std::string MakeLog(const std::vector<std::string>& secrets) {
  std::mt19937 rng(11);
  const std::vector<std::string> lines = {
      "[ 42%] Building CXX object src/job/CMakeFiles/sr_job.dir/masker.cc.o\n",
      "g++ -O2 -Wall -Wextra -Werror -std=c++20 -Isrc -c src/util/status.cc -o build/status.o\n",
      "[       OK ] MaskerTest.SplitAtEveryBytePosition (12 ms)\n",
      "Downloading https://registry.example.com/v2/library/alpine/manifests/latest ... done\n",
      "npm WARN deprecated glob@7.2.3: Glob versions prior to v9 are no longer supported\n",
      "remote: Counting objects: 100% (2048/2048), done. Receiving objects: 57% (1168/2048)\n",
      "\x1b[32;1m$ make test\x1b[0;m\n",
      "PASS tests/integration/runner_test.go:112: TestGitlabLogin (0.31s)\n",
  };
  std::string log;
  int n = 0;
  while (log.size() < (4u << 20)) {
    log += lines[rng() % lines.size()];
    if (++n % 200 == 0) log += "export TOKEN=" + secrets[rng() % secrets.size()] + "\n";
  }
  return log;
}

const std::vector<std::string>& Secrets() {
  static const auto s = MakeSecrets();
  return s;
}
const std::string& Log() {
  static const auto l = MakeLog(Secrets());
  return l;
}

// Feeds the log in 4 KiB writes, like pipe reads.
void BM_Masker(benchmark::State& state) {
  job::MaskerOptions opts;
  opts.values = Secrets();
  const std::string& log = Log();
  size_t out_bytes = 0;
  for (auto _ : state) {
    job::Masker m(opts);
    std::string out;
    out.reserve(log.size());
    for (size_t i = 0; i < log.size(); i += 4096) m.Write(std::string_view(log).substr(i, 4096), out);
    out += m.Flush();
    out_bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
  state.counters["out_bytes"] = static_cast<double>(out_bytes);
}
BENCHMARK(BM_Masker)->Unit(benchmark::kMillisecond);

// The baseline: for each value, find and replace over the whole text (no streaming).
void BM_NaiveFindReplace(benchmark::State& state) {
  const std::string& log = Log();
  for (auto _ : state) {
    std::string text = log;
    for (const auto& v : Secrets()) {
      std::string out;
      out.reserve(text.size());
      size_t pos = 0;
      while (true) {
        size_t hit = text.find(v, pos);
        if (hit == std::string::npos) break;
        out.append(text, pos, hit - pos);
        out += "[MASKED]";
        pos = hit + v.size();
      }
      out.append(text, pos, std::string::npos);
      text.swap(out);
    }
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * log.size()));
}
BENCHMARK(BM_NaiveFindReplace)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
