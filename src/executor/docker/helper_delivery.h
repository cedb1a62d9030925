#pragma once
// Puts the helper image on an Engine that cannot pull it (it is in no registry): the
// manager loads it from a HelperImageSource through the Engine API, so a fresh instance
// needs nothing but a Docker Engine.
#include <cstdint>
#include <string>

#include "executor/docker/abort_handle.h"
#include "executor/docker/engine_client.h"
#include "executor/docker/helper_image_source.h"
#include "util/status.h"

namespace executor::docker {

struct HelperDelivery {
  std::string image_id;  // the id `ref` has on the Engine now
  bool loaded = false;   // false: the Engine already had that id under `ref`
  uint64_t bytes = 0;    // archive bytes sent
};

// Makes `ref` name the image `source` holds on the Engine of `engine`: nothing is sent when
// the Engine's image `ref` already has the archive's id (one GET /images/{ref}/json);
// otherwise the archive is streamed with POST /images/load and `ref` must exist after.
// Errors say what failed, with the source and the bytes sent so far:
//  kNotFound: the source has no archive (see HelperImageSource::Inspect) and the Engine
//    has no image `ref` (one it has is then used as it is: a pre-baked instance image);
//  kFailedPrecondition: the archive does not carry `ref`;
//  the transport's or the Engine's code when the load failed half-way;
//  kCancelled when `abort` fired.
util::Result<HelperDelivery> DeliverHelperImage(EngineClient& engine, const std::string& ref,
                                                HelperImageSource& source, AbortHandle* abort = nullptr);

}  // namespace executor::docker
