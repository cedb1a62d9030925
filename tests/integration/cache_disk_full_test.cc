// Disk full under the project directory: the builds directory is a small tmpfs the test
// mounts (as root) and unmounts. A cache that cannot be extracted is a warning and the job
// goes on; artifacts that cannot be extracted fail the job with a line that says why; and
// nothing lands outside the project directory.
#include <sys/mount.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/integration/harness.h"

namespace itest {
namespace {

namespace fs = std::filesystem;
using coordinator::JobState;
using nlohmann::json;

// A tmpfs of `size` mounted at `dir` (created) for the life of the object.
class SmallTmpfs {
 public:
  SmallTmpfs(const fs::path& dir, const std::string& size) : dir_(dir) {
    fs::create_directories(dir);
    std::string opts = "size=" + size + ",mode=0755";
    mounted_ = mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) == 0;
  }
  ~SmallTmpfs() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;
  bool mounted() const { return mounted_; }

 private:
  fs::path dir_;
  bool mounted_ = false;
};

// Every regular file under `root` (relative names), not descending into `skip`.
std::set<std::string> FilesUnder(const fs::path& root, const fs::path& skip = {}) {
  std::set<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!skip.empty() && it->path() == skip) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file()) out.insert(fs::relative(it->path(), root).string());
  }
  return out;
}

std::set<std::string> TmpEntries(const std::string& prefix) {
  std::set<std::string> out;
  for (const auto& e : fs::directory_iterator("/tmp")) {
    std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) == 0) out.insert(n);
  }
  return out;
}

TEST(CacheDiskFullTest, CacheExtractionWarnsArtifactExtractionFailsNothingEscapes) {
  RunnerHarness h("shell");
  fs::path builds = h.dir() / "builds";
  SmallTmpfs tmpfs(builds, "4m");
  ASSERT_TRUE(tmpfs.mounted()) << "mounting a tmpfs needs root";
  h.StartManager();
  auto tmp_before = TmpEntries("spotrunner-deps-");
  auto tmp_before_art = TmpEntries("spotrunner-artifacts-");

  // Job A: 1.5 MiB for the (local) cache and 1.5 MiB of artifacts; both archives compress
  // to almost nothing and live outside the tmpfs (cache dir, coordinator).
  auto a = RunnerHarness::Spec({"mkdir -p vendor out", "head -c 1536K /dev/zero > vendor/big.bin",
                                "head -c 1536K /dev/zero > out/art.bin"});
  a.name = "build";
  a.cache = json::array({{{"key", "deps"}, {"paths", {"vendor/"}}, {"policy", "pull-push"}, {"when", "on_success"}}});
  a.artifacts = json::array({{{"paths", {"out/"}}, {"when", "on_success"}, {"artifact_type", "archive"},
                              {"artifact_format", "zip"}}});
  int64_t id_a = h.Enqueue(a);
  auto ja = h.Wait(id_a);
  ASSERT_EQ(ja.state, JobState::kSuccess) << ja.trace;
  ASSERT_NE(ja.trace.find("Created cache"), std::string::npos) << ja.trace;

  // Empty the builds tmpfs and leave 0.5 MiB free.
  for (const auto& e : fs::directory_iterator(builds)) fs::remove_all(e.path());
  {
    std::ofstream filler(builds / "filler.bin", std::ios::binary);
    filler << std::string(3584 * 1024, 'f');
  }
  ASSERT_TRUE(fs::exists(builds / "filler.bin"));

  // Job B: the cache does not fit. A warning, and the script still runs.
  auto b = RunnerHarness::Spec({"echo script-ran"});
  b.cache = json::array({{{"key", "deps"}, {"paths", {"vendor/"}}, {"policy", "pull"}, {"when", "on_success"}}});
  auto jb = h.Wait(h.Enqueue(b));
  EXPECT_EQ(jb.state, JobState::kSuccess) << jb.trace;
  EXPECT_NE(jb.trace.find("WARNING: Failed to extract cache:"), std::string::npos) << jb.trace;
  EXPECT_NE(jb.trace.find("No space left on device"), std::string::npos) << jb.trace;
  EXPECT_NE(jb.trace.find("script-ran"), std::string::npos) << jb.trace;

  // Job C: the artifacts of A do not fit. The job fails, saying which job's artifacts and why.
  auto c = RunnerHarness::Spec({"echo must-not-run"});
  c.dependencies = json::array({id_a});
  auto jc = h.Wait(h.Enqueue(c));
  EXPECT_EQ(jc.state, JobState::kFailed) << jc.trace;
  EXPECT_NE(jc.trace.find("ERROR: Extracting the artifacts of job " + std::to_string(id_a) + " failed:"),
            std::string::npos) << jc.trace;
  EXPECT_NE(jc.trace.find("No space left on device"), std::string::npos) << jc.trace;
  EXPECT_EQ(jc.trace.find("must-not-run"), std::string::npos) << jc.trace;

  // Nothing outside the project directories: on the tmpfs only the filler and files under
  // builds/<...>/project dirs; outside the tmpfs only config, the cache archive and
  // state files; no temporary directory left in /tmp.
  for (const auto& f : FilesUnder(builds)) {
    if (f == "filler.bin") continue;
    EXPECT_TRUE(f.find("/vendor/") != std::string::npos || f.find("/out/") != std::string::npos ||
                f.find(".tmp") != std::string::npos)
        << f;
  }
  for (const auto& f : FilesUnder(h.dir(), builds)) {
    EXPECT_EQ(f.find("big.bin"), std::string::npos) << f;
    EXPECT_EQ(f.find("art.bin"), std::string::npos) << f;
  }
  EXPECT_EQ(TmpEntries("spotrunner-deps-"), tmp_before);
  EXPECT_EQ(TmpEntries("spotrunner-artifacts-"), tmp_before_art);
}

}  // namespace
}  // namespace itest
