#pragma once
// The sub-sections of one [[runners]] entry, for FormatConfig. Internal to config/.
#include "config/config.h"
#include "config/toml_emitter.h"
#include "util/status.h"

namespace config {

void WriteDocker(const DockerConfig& d, TomlEmitter& e);
void WriteCache(const CacheConfig& c, TomlEmitter& e);
void WriteMachine(const MachineConfig& m, TomlEmitter& e);
// Fails when plugin_config_json is set but not a JSON object.
util::Status WriteAutoscaler(const AutoscalerConfig& a, TomlEmitter& e);

}  // namespace config
