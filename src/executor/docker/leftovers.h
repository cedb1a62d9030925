#pragma once
// Removal of what an earlier runner process left behind (it crashed or was killed before
// its executors' Cleanup ran).
#include <string>

#include "executor/docker/engine_client.h"
#include "util/status.h"

namespace executor::docker {

// Removes (force, with anonymous volumes) every container, then every network, then every
// volume, labelled com.spotrunner.managed=true, com.spotrunner.runner.short_token=`short_token`
// and, when `system_id` is not empty, com.spotrunner.runner.system_id=`system_id` (another
// manager of the same config.toml on this Engine keeps its containers). Call it
// when the runner starts, before it takes jobs: it also removes the containers of jobs
// this process is running. Tries everything; returns the first failure (a container or
// volume already gone is not one). Adds the number removed to `*removed` when given.
util::Status RemoveLeftovers(EngineClient& engine, const std::string& short_token, const std::string& system_id,
                            int* removed = nullptr);

}  // namespace executor::docker
