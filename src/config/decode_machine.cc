// [runners.machine] and [[runners.machine.autoscaling]] (CamelCase keys; times in seconds).
#include "config/decode.h"

namespace config {
namespace {

void DecodeAutoscaling(TableReader& r, MachineAutoscaling* out) {
  r.Get("Periods", &out->periods);
  r.Get("Timezone", &out->timezone);
  r.Get("IdleCount", &out->idle_count);
  r.Get("IdleCountMin", &out->idle_count_min);
  r.Get("IdleScaleFactor", &out->idle_scale_factor);
  r.Get("IdleTime", &out->idle_time);
  r.Finish();
}

}  // namespace

void DecodeMachine(TableReader& r, MachineConfig* out) {
  r.Get("IdleCount", &out->idle_count);
  r.Get("IdleCountMin", &out->idle_count_min);
  r.Get("IdleScaleFactor", &out->idle_scale_factor);
  r.Get("IdleTime", &out->idle_time);
  r.Get("MaxGrowthRate", &out->max_growth_rate);
  r.Get("MaxBuilds", &out->max_builds);
  r.Get("MachineDriver", &out->machine_driver);
  r.Get("MachineName", &out->machine_name);
  r.Get("MachineOptions", &out->machine_options);
  for (TableReader& a : r.Tables("autoscaling")) {
    MachineAutoscaling entry;
    DecodeAutoscaling(a, &entry);
    out->autoscaling.push_back(std::move(entry));
  }
  r.Unsupported({"MachineOptionsWithName", "MaxRemovalAttempts", "OffPeakPeriods", "OffPeakTimezone",
                 "OffPeakIdleCount", "OffPeakIdleTime"});
  r.Finish();
}

}  // namespace config
