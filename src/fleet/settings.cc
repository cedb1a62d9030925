#include "fleet/settings.h"

namespace fleet {

const char* PolicyKindName(PolicyKind k) {
  switch (k) {
    case PolicyKind::kDefault: return "default";
    case PolicyKind::kDockerMachine: return "docker-machine";
    case PolicyKind::kTaskscaler: return "taskscaler";
  }
  return "?";
}

util::Result<PolicyKind> ParsePolicyKind(const std::string& name) {
  if (name == "default" || name.empty()) return PolicyKind::kDefault;
  if (name == "docker-machine" || name == "docker+machine") return PolicyKind::kDockerMachine;
  if (name == "taskscaler" || name == "docker-autoscaler") return PolicyKind::kTaskscaler;
  return util::Status::InvalidArgument("unknown policy \"" + name +
                                       "\" (want default, docker-machine or taskscaler)");
}

std::string DescribePolicy(const AutoscalerSettings& s, const IdleRule& rule, bool machine_keys) {
  const std::string count = (machine_keys ? "IdleCount " : "idle_count ") + std::to_string(rule.idle_count);
  const std::string time =
      (machine_keys ? "IdleTime " : "idle_time ") +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(rule.idle_time).count()) + "s";
  std::string out = std::string("policy ") + PolicyKindName(s.policy);
  switch (s.policy) {
    case PolicyKind::kDefault:
      out += " (spotrunner's own): keeps ready the jobs running and waiting plus the burst reserve (idle slots "
             "for the bursts this fleet has seen), at least " + count + " idle; surplus idle instances go after "
             "min(2 boot times, " + time + "); fleet_policy = \"docker-machine\" or \"taskscaler\" asks for "
             "their exact rules";
      break;
    case PolicyKind::kDockerMachine:
      out += " (fleet_policy): keeps " + count + " idle machines" +
             (rule.scale_factor > 0 ? " (scaled by IdleScaleFactor)" : "") + "; an idle machine beyond them goes "
             "after " + time;
      break;
    case PolicyKind::kTaskscaler:
      out += " (fleet_policy): keeps " + count + " idle slots" +
             (rule.scale_factor > 0 ? " (or scale_factor x in use)" : "") + "; an idle instance beyond them goes "
             "after " + time;
      break;
  }
  if (!s.periods.empty())
    out += "; values in force now (" + std::to_string(s.periods.size()) + " period(s) configured)";
  return out;
}

const IdleRule& AutoscalerSettings::RuleAt(util::Time t) const {
  for (auto it = periods.rbegin(); it != periods.rend(); ++it) {
    if (it->when.ActiveAt(t)) return *it;
  }
  return base;
}

util::Status AutoscalerSettings::Validate() const {
  auto bad = [](const std::string& m) { return util::Status::InvalidArgument(m); };
  if (capacity_per_instance < 1) return bad("capacity_per_instance must be at least 1");
  if (max_use_count < 0 || max_instances < 0 || max_jobs < 0 || max_growth_rate < 0)
    return bad("limits must not be negative");
  auto check = [&](const IdleRule& r, const std::string& where) -> util::Status {
    if (r.idle_count < 0 || r.idle_count_min < 0 || r.scale_factor < 0 || r.scale_factor_limit < 0)
      return bad(where + ": idle values must not be negative");
    if (r.idle_time < util::Duration(0)) return bad(where + ": idle_time must not be negative");
    if (r.preemptive.value_or(false) && r.idle_count == 0)
      return bad(where + ": preemptive_mode needs idle_count > 0, or no job would ever be requested");
    if (max_instances > 0 && r.idle_count > max_instances * capacity_per_instance)
      return bad(where + ": idle_count " + std::to_string(r.idle_count) + " is above what max_instances " +
                 std::to_string(max_instances) + " x capacity_per_instance " +
                 std::to_string(capacity_per_instance) + " can hold");
    return util::Status::Ok();
  };
  SR_RETURN_IF_ERROR(check(base, "idle settings"));
  for (size_t i = 0; i < periods.size(); ++i) SR_RETURN_IF_ERROR(check(periods[i], "period " + std::to_string(i + 1)));
  return util::Status::Ok();
}

namespace {

util::Result<Schedule> ParsePeriods(const std::vector<std::string>& periods, const std::string& zone,
                                    const TzLoader& tz, const std::string& where) {
  auto z = LoadTimeZone(zone, tz);
  if (!z.ok()) return z.status().WithContext(where);
  auto s = Schedule::Parse(periods, *z);
  if (!s.ok()) return s.status().WithContext(where);
  return s;
}

}  // namespace

util::Result<AutoscalerSettings> SettingsFromRunner(const config::RunnerConfig& r, const TzLoader& tz) {
  AutoscalerSettings s;
  auto kind = ParsePolicyKind(r.fleet_policy);
  if (!kind.ok()) return kind.status().WithContext("runners.fleet_policy");
  s.policy = *kind;
  if (r.limit > 0) s.max_jobs = r.limit;
  bool machine = r.executor == "docker+machine" || (r.has_machine && !r.has_autoscaler);
  if (machine) {
    const auto& m = r.machine;
    s.capacity_per_instance = 1;
    s.max_instances = r.limit;  // limit bounds machines in all states too
    s.max_use_count = m.max_builds;
    s.max_growth_rate = m.max_growth_rate;
    s.base.idle_count = m.idle_count;
    s.base.idle_count_min = m.idle_count_min;
    s.base.scale_factor = m.idle_scale_factor;
    s.base.idle_time = std::chrono::seconds(m.idle_time);
    for (size_t i = 0; i < m.autoscaling.size(); ++i) {
      const auto& a = m.autoscaling[i];
      IdleRule rule;
      auto where = "runners.machine.autoscaling[" + std::to_string(i) + "]";
      auto sched = ParsePeriods(a.periods, a.timezone, tz, where);
      if (!sched.ok()) return sched.status();
      rule.when = std::move(*sched);
      rule.idle_count = a.idle_count;
      rule.idle_count_min = a.idle_count_min;
      rule.scale_factor = a.idle_scale_factor;
      rule.idle_time = std::chrono::seconds(a.idle_time);
      s.periods.push_back(std::move(rule));
    }
  } else {
    const auto& a = r.autoscaler;
    s.capacity_per_instance = a.capacity_per_instance;
    s.max_use_count = a.max_use_count;
    s.max_instances = a.max_instances;
    s.acquire_timeout = a.instance_acquire_timeout;
    s.failure_threshold = a.failure_threshold;
    s.deletion_retry_interval = std::max<util::Duration>(a.update_interval_when_expecting, 1min);
    s.ready_on_running = a.instance_ready_command.empty();
    // No matching policy means idle_count 0: the base rule stays at its zero defaults.
    for (size_t i = 0; i < a.policies.size(); ++i) {
      const auto& p = a.policies[i];
      IdleRule rule;
      auto where = "runners.autoscaler.policy[" + std::to_string(i) + "]";
      auto sched = ParsePeriods(p.periods, p.timezone, tz, where);
      if (!sched.ok()) return sched.status();
      rule.when = std::move(*sched);
      rule.idle_count = p.idle_count;
      rule.idle_time = p.idle_time;
      rule.scale_factor = p.scale_factor;
      rule.scale_factor_limit = p.scale_factor_limit;
      rule.preemptive = p.preemptive_mode;
      s.periods.push_back(std::move(rule));
    }
    s.base.idle_time = a.policies.empty() ? 5min : a.policies.front().idle_time;
  }
  if (auto st = s.Validate(); !st.ok()) return st.WithContext("runner \"" + r.name + "\"");
  return s;
}

}  // namespace fleet
