#include "ec2emulator/faults.h"

#include <cstdlib>

namespace ec2emulator {
namespace {

bool CapacityMatches(const CapacityFault& f, const std::string& type, const std::string& zone, bool spot) {
  if (f.remaining == 0) return false;
  if (!f.instance_type.empty() && f.instance_type != type) return false;
  if (!f.zone.empty() && f.zone != zone) return false;
  if (f.market == "spot" && !spot) return false;
  if (f.market == "on-demand" && spot) return false;
  return true;
}

util::Result<std::string> StringField(const nlohmann::json& j, const char* name) {
  if (!j.contains(name)) return std::string();
  if (!j[name].is_string())
    return util::Status::InvalidArgument(std::string("fault field '") + name + "' must be a string");
  return j[name].get<std::string>();
}

util::Result<int64_t> IntField(const nlohmann::json& j, const char* name, int64_t fallback) {
  if (!j.contains(name)) return fallback;
  if (!j[name].is_number_integer()) {
    return util::Status::InvalidArgument(std::string("fault field '") + name + "' must be an integer");
  }
  return j[name].get<int64_t>();
}

}  // namespace

util::Status Faults::AddJson(const nlohmann::json& j) {
  if (!j.is_object()) return util::Status::InvalidArgument("a fault must be a JSON object");
  auto kind = StringField(j, "kind");
  if (!kind.ok()) return kind.status();
  for (const auto& [k, v] : j.items()) {
    static const char* kKnown[] = {"kind", "instance_type", "zone", "market", "count", "action", "seconds"};
    bool known = false;
    for (const char* n : kKnown) known = known || k == n;
    if (!known) return util::Status::InvalidArgument("unknown fault field '" + k + "'");
  }
  auto type = StringField(j, "instance_type");
  auto zone = StringField(j, "zone");
  auto market = StringField(j, "market");
  auto action = StringField(j, "action");
  for (const auto* r : {&type, &zone, &market, &action}) {
    if (!r->ok()) return r->status();
  }
  if (*kind == "capacity") {
    if (*market != "" && *market != "spot" && *market != "on-demand") {
      return util::Status::InvalidArgument("fault field 'market' must be spot or on-demand, not '" + *market + "'");
    }
    auto count = IntField(j, "count", -1);
    if (!count.ok()) return count.status();
    AddCapacity({*type, *zone, *market, static_cast<int>(*count)});
  } else if (*kind == "throttle") {
    auto count = IntField(j, "count", 1);
    if (!count.ok()) return count.status();
    if (*count <= 0) return util::Status::InvalidArgument("fault field 'count' must be positive for a throttle burst");
    AddThrottle({*action, static_cast<int>(*count)});
  } else if (*kind == "slow_boot") {
    if (!j.contains("seconds") || !j["seconds"].is_number() || j["seconds"].get<double>() < 0) {
      return util::Status::InvalidArgument("fault field 'seconds' must be a number >= 0 for slow_boot");
    }
    AddSlowBoot({*type, util::FromSeconds(j["seconds"].get<double>())});
  } else {
    return util::Status::InvalidArgument("fault 'kind' must be capacity, throttle or slow_boot, not '" + *kind + "'");
  }
  return util::Status::Ok();
}

util::Result<nlohmann::json> Faults::ParseFlag(const std::string& spec) {
  nlohmann::json j = nlohmann::json::object();
  size_t pos = 0;
  while (pos < spec.size()) {
    size_t comma = spec.find(',', pos);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(pos, comma - pos);
    pos = comma + 1;
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return util::Status::InvalidArgument("fault '" + spec + "': '" + item + "' is not key=value");
    }
    std::string k = item.substr(0, eq), v = item.substr(eq + 1);
    if (k == "count") {
      char* end = nullptr;
      long n = std::strtol(v.c_str(), &end, 10);
      if (v.empty() || *end) return util::Status::InvalidArgument("fault '" + spec + "': count must be an integer");
      j[k] = n;
    } else if (k == "seconds") {
      char* end = nullptr;
      double d = std::strtod(v.c_str(), &end);
      if (v.empty() || *end) return util::Status::InvalidArgument("fault '" + spec + "': seconds must be a number");
      j[k] = d;
    } else {
      j[k] = v;
    }
  }
  return j;
}

bool Faults::HasCapacityFault(const std::string& type, const std::string& zone, bool spot) const {
  for (const auto& f : capacity_) {
    if (CapacityMatches(f, type, zone, spot)) return true;
  }
  return false;
}

bool Faults::TakeCapacity(const std::string& type, const std::string& zone, bool spot) {
  for (auto& f : capacity_) {
    if (!CapacityMatches(f, type, zone, spot)) continue;
    if (f.remaining > 0) --f.remaining;
    return true;
  }
  return false;
}

bool Faults::TakeThrottle(const std::string& action) {
  for (auto& f : throttle_) {
    if (f.remaining <= 0 || (!f.action.empty() && f.action != action)) continue;
    --f.remaining;
    return true;
  }
  return false;
}

util::Duration Faults::BootTime(const std::string& type, util::Duration fallback) const {
  util::Duration d = fallback;
  for (const auto& f : slow_boot_) {
    if (f.instance_type.empty() || f.instance_type == type) d = f.boot;
  }
  return d;
}

void Faults::Clear() {
  capacity_.clear();
  throttle_.clear();
  slow_boot_.clear();
}

nlohmann::json Faults::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : capacity_) {
    if (f.remaining == 0) continue;
    out.push_back({{"kind", "capacity"},
                   {"instance_type", f.instance_type},
                   {"zone", f.zone},
                   {"market", f.market},
                   {"count", f.remaining}});
  }
  for (const auto& f : throttle_) {
    if (f.remaining > 0) out.push_back({{"kind", "throttle"}, {"action", f.action}, {"count", f.remaining}});
  }
  for (const auto& f : slow_boot_) {
    out.push_back({{"kind", "slow_boot"}, {"instance_type", f.instance_type}, {"seconds", util::ToSeconds(f.boot)}});
  }
  return out;
}

}  // namespace ec2emulator
