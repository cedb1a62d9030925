// Delivery of the helper image to an Engine through the manager's own code
// (DeliverHelperImage, POST /images/load streamed from an archive file): the bytes sent,
// the time of a load, and the time of the check that finds the image present (what every
// later instance with the image, and a restarted memo, costs). Prints one line per figure.
//
// The image is SR_BENCH_IMAGE ("name:tag", default spotrunner-helper:local) of this host's
// Engine. The target Engine is SR_BENCH_TARGET_SOCK (default: this host's, $DOCKER_HOST or
// /var/run/docker.sock). On this host's Engine the image is delivered under a tag of the
// bench's own (the shared spotrunner-helper:local is never loaded over): its layer is
// already there, so that load is "warm"; bench/helper_delivery.sh also runs it against
// a fresh Engine ("cold": every layer is written). Arguments are ignored (scripts/bench.sh
// passes Google Benchmark flags to every *_bench).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "executor/docker/docker_executor.h"
#include "executor/docker/docker_host.h"
#include "executor/docker/engine_client.h"
#include "executor/docker/helper_delivery.h"
#include "executor/docker/helper_image_source.h"

namespace {

using executor::docker::EngineClient;

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

int Fail(const std::string& what, const util::Status& s) {
  std::fprintf(stderr, "helper_delivery_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  return 1;
}

}  // namespace

int main() {
  const char* target_env = std::getenv("SR_BENCH_TARGET_SOCK");
  const std::string target_sock = target_env ? target_env : "";
  const bool same_engine = target_sock.empty();
  auto local_dialer = executor::docker::DialerForHost("");
  if (!local_dialer.ok()) return Fail("this host's Engine", local_dialer.status());
  EngineClient local(**local_dialer);
  const char* image_env = std::getenv("SR_BENCH_IMAGE");
  const std::string shared = image_env ? image_env : executor::docker::kDefaultHelperImage;
  auto image = local.InspectImage(shared);
  if (!image.ok()) return Fail(shared + " (run scripts/services.sh)", image.status());

  // The archive the manager would read: the helper image saved under the ref delivered.
  const std::string repo =
      same_engine ? "spotrunner-helper-bench-" + std::to_string(getpid()) : shared.substr(0, shared.rfind(':'));
  const std::string tag = same_engine ? "b" : shared.substr(shared.rfind(':') + 1);
  const std::string ref = repo + ":" + tag;
  const std::string dir = std::filesystem::temp_directory_path() / ("sr-helper-bench-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string archive = dir + "/helper.tar";
  util::Status s = local.TagImage(shared, repo, tag);
  if (s.ok()) {
    std::ofstream out(archive, std::ios::binary);
    s = local.ExportImage(ref, [&](std::string_view p) { return static_cast<bool>(out.write(p.data(), p.size())); });
  }
  if (same_engine) (void)local.RemoveImage(ref);  // the Engine must lack `ref` for the load
  if (!s.ok()) {
    std::filesystem::remove_all(dir);
    return Fail("saving " + shared, s);
  }

  auto target_dialer = executor::docker::DialerForHost(same_engine ? "" : "unix://" + target_sock);
  if (!target_dialer.ok()) return Fail("target Engine", target_dialer.status());
  EngineClient target(**target_dialer);
  executor::docker::ArchiveFileSource source(archive);
  const char* kind = same_engine ? "warm (layers present)" : "cold (fresh Engine)";

  auto t0 = std::chrono::steady_clock::now();
  auto load = DeliverHelperImage(target, ref, source);
  auto t1 = std::chrono::steady_clock::now();
  auto check = load.ok() ? DeliverHelperImage(target, ref, source) : load;
  auto t2 = std::chrono::steady_clock::now();
  if (same_engine) (void)target.RemoveImage(ref);
  std::filesystem::remove_all(dir);
  if (!load.ok()) return Fail("delivery", load.status());
  if (!check.ok()) return Fail("second delivery", check.status());

  const double mib = static_cast<double>(load->bytes) / (1 << 20);
  std::printf("helper image %s: %s, %.1f MiB in the Engine\n", shared.c_str(), image->id.substr(0, 19).c_str(),
              static_cast<double>(image->size) / (1 << 20));
  std::printf("delivery %s: %s, %llu bytes (%.1f MiB) in %.2f s (%.0f MiB/s)\n", kind,
              load->loaded ? "loaded" : "NOT loaded", static_cast<unsigned long long>(load->bytes), mib,
              Seconds(t1 - t0), mib / Seconds(t1 - t0));
  std::printf("check with the image present: %s, %.1f ms\n",
              check->loaded ? "loaded again (unexpected)" : "nothing sent", Seconds(t2 - t1) * 1000);
  return load->loaded && !check->loaded ? 0 : 1;
}
