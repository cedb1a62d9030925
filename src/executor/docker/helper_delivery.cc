#include "executor/docker/helper_delivery.h"

#include <algorithm>
#include <cstdio>

namespace executor::docker {
namespace {

std::string MiB(uint64_t bytes) {
  char buf[32];
  snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return buf;
}

}  // namespace

util::Result<HelperDelivery> DeliverHelperImage(EngineClient& engine, const std::string& ref,
                                                HelperImageSource& source, AbortHandle* abort) {
  HelperDelivery out;
  auto want = source.Inspect();
  auto have = engine.InspectImage(ref);
  if (!have.ok() && have.status().code() != util::Status::Code::kNotFound) {
    return have.status().WithContext("helper image " + ref);
  }
  if (!want.ok()) {
    if (want.status().code() == util::Status::Code::kNotFound && have.ok()) {
      out.image_id = have->id;  // nothing to deliver, and the Engine has its own (a baked image)
      return out;
    }
    if (want.status().code() == util::Status::Code::kNotFound) {
      return want.status().WithContext("helper image " + ref + " is not on the Engine and this manager has no copy");
    }
    return want.status().WithContext("helper image " + ref);
  }
  if (have.ok() && have->id == want->image_id) {
    out.image_id = have->id;
    return out;
  }
  const std::string from = source.Describe();
  const auto& tags = want->repo_tags;
  if (std::find(tags.begin(), tags.end(), ref) == tags.end()) {
    std::string list;
    for (const auto& t : tags) list += (list.empty() ? "" : ", ") + t;
    return util::Status::FailedPrecondition("helper image " + ref + ": " + from + " does not carry that tag (it has [" +
                                            list + "])");
  }

  util::Status s = engine.LoadImage(
      [&](const ChunkWriter& write) {
        return source.Stream(
            [&](std::string_view piece) {
              SR_RETURN_IF_ERROR(write(piece));
              out.bytes += piece.size();
              return util::Status::Ok();
            },
            abort);
      },
      abort);
  if (abort && abort->aborted()) return util::Status::Cancelled("helper image " + ref + ": loading cancelled");
  const std::string what = "helper image " + ref + ": loading " + from + " failed after " + MiB(out.bytes);
  if (!s.ok()) return s.WithContext(what);
  auto loaded = engine.InspectImage(ref);
  if (!loaded.ok() && loaded.status().code() == util::Status::Code::kNotFound) {
    return util::Status::FailedPrecondition(what + ": the Engine took the archive but has no " + ref + " after it");
  }
  if (!loaded.ok()) return loaded.status().WithContext(what);
  // An Engine with the containerd image store names images by manifest digest, not by
  // config digest as the archive does: a different id is then no failure (that Engine just
  // never matches the archive's id, and so gets a load on each new instance).
  out.image_id = loaded->id;
  out.loaded = true;
  return out;
}

}  // namespace executor::docker
