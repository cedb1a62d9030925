#pragma once
// What a config reload means for a [[runners]] entry that config.toml still lists (same
// URL and token), as pure functions so the rules are tested apart from the threads:
//  - kNone: nothing a fleet obeys changed; the entry just takes the new config;
//  - kSettings: autoscaling settings changed ([runners.autoscaler] limits and policies,
//    [runners.machine] idle settings, limit); the live autoscaler gets them and keeps
//    its instances;
//  - kReplace: where or how instances are made or reached changed (executor, plugin,
//    plugin_config, machine driver and options, connector, instance_ready_command): the
//    old fleet retires (no new jobs, running ones finish, its instances are removed) and
//    a fresh one starts after it.
#include <string>

#include "config/config.h"
#include "fleet/settings.h"

namespace manager {

enum class EntryChange { kNone, kSettings, kReplace };

struct ReloadVerdict {
  EntryChange change = EntryChange::kNone;
  std::string reason;  // what changed, for the log ("" for kNone)
};

// Compares the entry as it runs (`before`) with the reloaded one (`after`).
ReloadVerdict CompareEntry(const config::RunnerConfig& before, const config::RunnerConfig& after);

// The autoscaler settings of an autoscaled entry (fleet::SettingsFromRunner with time
// zones from the system's zone database, $TZDIR or /usr/share/zoneinfo).
// On failure: kInvalidArgument or kNotFound naming the runner and the key.
util::Result<fleet::AutoscalerSettings> FleetSettingsFor(const config::RunnerConfig& runner);

// The settings of a fleet whose entry is retiring: it keeps no idle capacity (no
// idle_count, no scale factor, no periods, taskscaler rules), so it launches only for jobs
// it already took and gives idle instances back at once.
fleet::AutoscalerSettings RetiringSettings(fleet::AutoscalerSettings s);

}  // namespace manager
