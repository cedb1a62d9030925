#pragma once
// From TOML tables to the model, one section per function. Each reads the keys of its table
// (gitlab-runner's names; exact, then case-insensitive), leaves model defaults for absent
// keys, reports type errors to the reader's DecodeContext, accepts gitlab-runner keys that
// spotrunner does not model without a warning, and warns about the rest. Internal to config/.
#include "config/config.h"
#include "config/table_reader.h"

namespace config {

void DecodeGlobal(TableReader& root, Config* out);
void DecodeRunner(TableReader& r, RunnerConfig* out);
void DecodeDocker(TableReader& r, DockerConfig* out);
void DecodeCache(TableReader& r, CacheConfig* out);
void DecodeMachine(TableReader& r, MachineConfig* out);
void DecodeAutoscaler(TableReader& r, AutoscalerConfig* out);

}  // namespace config
