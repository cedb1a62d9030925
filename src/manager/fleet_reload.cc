#include "manager/fleet_reload.h"

#include <cstdio>
#include <cstdlib>

#include "manager/job_launcher.h"

namespace manager {

namespace {

// Zone files for the autoscaler's periods, from the system's zone database.
util::Result<std::string> LoadZoneFile(const std::string& name) {
  const char* dir = std::getenv("TZDIR");
  std::string path = name.empty() ? "/etc/localtime" : std::string(dir && *dir ? dir : "/usr/share/zoneinfo") + "/" + name;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return util::Status::NotFound("time zone \"" + name + "\": cannot read " + path);
  std::string data;
  char buf[4096];
  for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) data.append(buf, n);
  std::fclose(f);
  return data;
}

// The parts of an entry that a fleet's autoscaler obeys, with what identifies the
// fleet's instances blanked out.
struct Scaling {
  int limit;
  std::string fleet_policy;
  config::AutoscalerConfig autoscaler;
  config::MachineConfig machine;
  bool operator==(const Scaling&) const = default;
};

Scaling ScalingOf(const config::RunnerConfig& r) {
  Scaling s{r.limit, r.fleet_policy, r.autoscaler, r.machine};
  s.autoscaler.plugin.clear();
  s.autoscaler.plugin_config_json.clear();
  s.autoscaler.connector = {};
  s.autoscaler.instance_ready_command.clear();
  s.machine.machine_driver.clear();
  s.machine.machine_name.clear();
  s.machine.machine_options.clear();
  return s;
}

}  // namespace

ReloadVerdict CompareEntry(const config::RunnerConfig& before, const config::RunnerConfig& after) {
  auto replace = [](const std::string& why) { return ReloadVerdict{EntryChange::kReplace, why}; };
  bool fleet_before = IsFleetExecutor(before.executor);
  bool fleet_after = IsFleetExecutor(after.executor);
  if (fleet_before != fleet_after || (fleet_after && before.executor != after.executor)) {
    return replace("executor changed from \"" + before.executor + "\" to \"" + after.executor + "\"");
  }
  if (!fleet_after) return {};
  const auto& a = before.autoscaler;
  const auto& b = after.autoscaler;
  if (a.plugin != b.plugin) return replace("plugin changed from \"" + a.plugin + "\" to \"" + b.plugin + "\"");
  if (a.plugin_config_json != b.plugin_config_json) return replace("[runners.autoscaler.plugin_config] changed");
  if (before.machine.machine_driver != after.machine.machine_driver)
    return replace("MachineDriver changed from \"" + before.machine.machine_driver + "\" to \"" +
                   after.machine.machine_driver + "\"");
  if (before.machine.machine_name != after.machine.machine_name ||
      before.machine.machine_options != after.machine.machine_options)
    return replace("MachineName or MachineOptions changed");
  if (!(a.connector == b.connector)) return replace("[runners.autoscaler.connector_config] changed");
  if (a.instance_ready_command != b.instance_ready_command) return replace("instance_ready_command changed");
  if (ScalingOf(before) == ScalingOf(after)) return {};
  return {EntryChange::kSettings, "autoscaling settings changed"};
}

util::Result<fleet::AutoscalerSettings> FleetSettingsFor(const config::RunnerConfig& runner) {
  return fleet::SettingsFromRunner(runner, LoadZoneFile);
}

fleet::AutoscalerSettings RetiringSettings(fleet::AutoscalerSettings s) {
  // taskscaler's rule without idle capacity launches for waiting jobs only (the default
  // policy may warm up ahead of a forecast) and gives idle instances back at once.
  fleet::IdleRule rule;
  rule.idle_time = std::chrono::seconds(0);
  s.policy = fleet::PolicyKind::kTaskscaler;
  s.base = rule;
  s.periods.clear();
  return s;
}

}  // namespace manager
