#include <nlohmann/json.hpp>

#include <cctype>
#include <regex>

#include "cloud/local/local_provider.h"

namespace cloud::local {
namespace {

util::Status Bad(const std::string& where, const std::string& key, const std::string& what) {
  return util::Status::InvalidArgument(where + ": [runners.autoscaler.plugin_config] " + key + ": " + what);
}

// "1500ms", "2s", "1m", or a number of seconds.
util::Result<std::chrono::milliseconds> ParseDelay(const nlohmann::json& v) {
  if (v.is_number()) {
    double s = v.get<double>();
    if (s < 0) return util::Status::InvalidArgument("negative");
    return std::chrono::milliseconds(static_cast<int64_t>(s * 1000));
  }
  if (!v.is_string()) return util::Status::InvalidArgument("want a duration like \"2s\"");
  static const std::regex re(R"(^(\d+(?:\.\d+)?)(ms|s|m)$)");
  std::smatch m;
  std::string s = v.get<std::string>();
  if (!std::regex_match(s, m, re)) return util::Status::InvalidArgument("want a duration like \"2s\", got \"" + s + "\"");
  double n = std::stod(m[1].str());
  double ms = m[2] == "ms" ? n : m[2] == "s" ? n * 1000 : n * 60000;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

}  // namespace

util::Result<LocalOptions> ParseLocalOptions(const std::string& json, const std::string& where, bool docker_executor) {
  nlohmann::json j = json.empty() ? nlohmann::json::object() : nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Bad(where, "(table)", "not a table");
  LocalOptions o;
  if (docker_executor) o.docker_engine = EngineConfig{};  // unless the table says otherwise
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& k = it.key();
    const auto& v = it.value();
    auto str = [&](std::string* dst) -> util::Status {
      if (!v.is_string()) return Bad(where, k, "want a string");
      *dst = v.get<std::string>();
      return util::Status::Ok();
    };
    if (k == "name" || k == "fleet") {
      SR_RETURN_IF_ERROR(str(&o.fleet));
    } else if (k == "subnet") {
      SR_RETURN_IF_ERROR(str(&o.subnet));
    } else if (k == "bridge") {
      SR_RETURN_IF_ERROR(str(&o.bridge));
    } else if (k == "state_dir") {
      SR_RETURN_IF_ERROR(str(&o.state_dir));
    } else if (k == "username") {
      SR_RETURN_IF_ERROR(str(&o.username));
    } else if (k == "boot_delay") {
      auto d = ParseDelay(v);
      if (!d.ok()) return Bad(where, k, d.status().message());
      o.boot_delay = *d;
    } else if (k == "docker_engine") {
      if (v.is_boolean()) {
        o.docker_engine = v.get<bool>() ? std::optional<EngineConfig>(EngineConfig{}) : std::nullopt;
      } else if (v.is_object()) {
        o.docker_engine = EngineConfig{v.dump(), {}};
      } else {
        return Bad(where, k, "want true, false or a table of daemon.json settings");
      }
    } else if (k == "max_instances") {
      if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > 253) {
        return Bad(where, k, "want an integer 1..253");
      }
      o.max_instances = v.get<int>();
    } else {
      return Bad(where, k, "unknown key (known: name, subnet, bridge, boot_delay, state_dir, max_instances, username, docker_engine)");
    }
  }
  static const std::regex fleet_re("^[a-z0-9][a-z0-9-]{0,19}$");
  if (!std::regex_match(o.fleet, fleet_re)) {
    return Bad(where, "name", "want 1-20 of [a-z0-9-] (names the instances sr-<name>-<n>), got \"" + o.fleet + "\"");
  }
  static const std::regex subnet_re(R"(^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0/24$)");
  std::smatch m;
  if (!o.subnet.empty() &&
      (!std::regex_match(o.subnet, m, subnet_re) || std::stoi(m[1]) > 255 || std::stoi(m[2]) > 255 || std::stoi(m[3]) > 255)) {
    return Bad(where, "subnet", "want a /24 like \"10.77.3.0/24\", got \"" + o.subnet + "\"");
  }
  if (o.bridge.size() > 15) return Bad(where, "bridge", "at most 15 characters, got \"" + o.bridge + "\"");
  if (o.username.empty()) return Bad(where, "username", "empty");
  return o;
}

}  // namespace cloud::local
