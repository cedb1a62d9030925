#include "cloud/engine_options.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

namespace cloud {
namespace {

enum class Kind { kString, kBool, kInt, kList, kMap };

struct Key {
  std::string json;  // the daemon.json name
  Kind kind;
};

// dockerd flags whose daemon.json name or type is not "same name, a string". A flag that
// can be repeated on the command line is a list in daemon.json (dockerd refuses a string).
Key KeyOf(const std::string& flag) {
  static const std::map<std::string, Key> k = {
      {"label", {"labels", Kind::kList}},
      {"insecure-registry", {"insecure-registries", Kind::kList}},
      {"registry-mirror", {"registry-mirrors", Kind::kList}},
      {"dns", {"dns", Kind::kList}},
      {"dns-opt", {"dns-opts", Kind::kList}},
      {"dns-search", {"dns-search", Kind::kList}},
      {"storage-opt", {"storage-opts", Kind::kList}},
      {"exec-opt", {"exec-opts", Kind::kList}},
      {"authorization-plugin", {"authorization-plugins", Kind::kList}},
      {"allow-nondistributable-artifacts", {"allow-nondistributable-artifacts", Kind::kList}},
      {"node-generic-resource", {"node-generic-resources", Kind::kList}},
      {"log-opt", {"log-opts", Kind::kMap}},
      {"debug", {"debug", Kind::kBool}},
      {"D", {"debug", Kind::kBool}},
      {"experimental", {"experimental", Kind::kBool}},
      {"live-restore", {"live-restore", Kind::kBool}},
      {"ipv6", {"ipv6", Kind::kBool}},
      {"icc", {"icc", Kind::kBool}},
      {"iptables", {"iptables", Kind::kBool}},
      {"ip6tables", {"ip6tables", Kind::kBool}},
      {"ip-forward", {"ip-forward", Kind::kBool}},
      {"ip-masq", {"ip-masq", Kind::kBool}},
      {"userland-proxy", {"userland-proxy", Kind::kBool}},
      {"selinux-enabled", {"selinux-enabled", Kind::kBool}},
      {"no-new-privileges", {"no-new-privileges", Kind::kBool}},
      {"init", {"init", Kind::kBool}},
      {"raw-logs", {"raw-logs", Kind::kBool}},
      {"mtu", {"mtu", Kind::kInt}},
      {"max-concurrent-downloads", {"max-concurrent-downloads", Kind::kInt}},
      {"max-concurrent-uploads", {"max-concurrent-uploads", Kind::kInt}},
      {"max-download-attempts", {"max-download-attempts", Kind::kInt}},
      {"shutdown-timeout", {"shutdown-timeout", Kind::kInt}},
      {"network-diagnostic-port", {"network-diagnostic-port", Kind::kInt}},
      {"graph", {"data-root", Kind::kString}},
      {"g", {"data-root", Kind::kString}},
      {"l", {"log-level", Kind::kString}},
      {"s", {"storage-driver", Kind::kString}},
      {"b", {"bridge", Kind::kString}},
      {"G", {"group", Kind::kString}},
      {"p", {"pidfile", Kind::kString}},
  };
  auto it = k.find(flag);
  return it != k.end() ? it->second : Key{flag, Kind::kString};
}

// Flags that would clash with the distribution's docker.service (it passes -H fd:// and,
// for docker-ce, --containerd) or that daemon.json cannot carry in flag form.
const char* Refusal(const std::string& flag) {
  if (flag == "host" || flag == "H")
    return "the Engine listens where its unit says (the manager reaches /var/run/docker.sock through SSH)";
  if (flag == "containerd" || flag == "config-file") return "it clashes with the distribution's docker.service";
  if (flag == "default-ulimit" || flag == "add-runtime" || flag == "default-address-pool")
    return "its daemon.json form is a structure; write /etc/docker/daemon.json in your own userdata instead";
  return nullptr;
}

bool ValidEnvName(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

util::Status Bad(const std::string& name, const std::string& value, const std::string& why) {
  return util::Status::InvalidArgument("MachineOptions \"" + name + "=" + value + "\": " + why);
}

}  // namespace

bool IsEngineOption(const std::string& name) {
  static const std::set<std::string> k = {"engine-install-url",     "engine-opt",   "engine-insecure-registry",
                                          "engine-registry-mirror", "engine-label", "engine-storage-driver",
                                          "engine-env"};
  return k.count(name) > 0;
}

util::Status AddEngineOption(EngineOptions* e, const std::string& name, const std::string& value) {
  if (value.find_first_of("\r\n") != std::string::npos) return Bad(name, value, "the value contains a line break");
  if (name == "engine-install-url") {
    if (!value.empty() && value.rfind("https://", 0) != 0 && value.rfind("http://", 0) != 0)
      return Bad(name, value, "expected an http(s) URL of an install script");
    e->install_url = value;
  } else if (name == "engine-registry-mirror" || name == "engine-insecure-registry" || name == "engine-label") {
    if (value.empty()) return Bad(name, value, "expected a value");
    if (name == "engine-label" && value.find('=') == std::string::npos) return Bad(name, value, "expected key=value");
    (name == "engine-registry-mirror" ? e->registry_mirrors
     : name == "engine-insecure-registry" ? e->insecure_registries
                                          : e->labels).push_back(value);
  } else if (name == "engine-storage-driver") {
    e->storage_driver = value;
  } else if (name == "engine-env") {
    size_t eq = value.find('=');
    if (eq == std::string::npos || !ValidEnvName(value.substr(0, eq)))
      return Bad(name, value, "expected NAME=value with NAME made of letters, digits and _");
    e->env.push_back(value);
  } else if (name == "engine-opt") {
    std::string flag = value.substr(0, value.find('='));
    std::string v = value.find('=') == std::string::npos ? "" : value.substr(value.find('=') + 1);
    flag.erase(0, flag.find_first_not_of('-'));  // "--log-driver" and "log-driver" alike
    if (flag.empty()) return Bad(name, value, "expected flag=value (a dockerd flag without its dashes)");
    if (const char* why = Refusal(flag)) return Bad(name, value, std::string("dockerd flag ") + flag + " is not taken: " + why);
    e->opts.emplace_back(flag, v);
  } else {
    return Bad(name, value, "not an engine option");
  }
  return util::Status::Ok();
}

util::Result<std::string> DaemonJson(const EngineOptions& e) {
  nlohmann::json j = nlohmann::json::object();
  auto append = [&](const std::string& key, const std::string& v) {
    if (!j.contains(key)) j[key] = nlohmann::json::array();
    if (std::find(j[key].begin(), j[key].end(), v) == j[key].end()) j[key].push_back(v);
  };
  for (const auto& m : e.registry_mirrors) append("registry-mirrors", m);
  for (const auto& r : e.insecure_registries) append("insecure-registries", r);
  for (const auto& l : e.labels) append("labels", l);
  if (!e.storage_driver.empty()) j["storage-driver"] = e.storage_driver;
  for (const auto& [flag, v] : e.opts) {
    const std::string entry = "MachineOptions \"engine-opt=" + flag + (v.empty() ? "" : "=" + v) + "\": ";
    Key key = KeyOf(flag);
    nlohmann::json value;
    switch (key.kind) {
      case Kind::kList:
        if (v.empty()) return util::Status::InvalidArgument(entry + "expected a value");
        append(key.json, v);
        continue;
      case Kind::kMap: {
        size_t eq = v.find('=');
        if (eq == std::string::npos || eq == 0) return util::Status::InvalidArgument(entry + "expected key=value");
        j[key.json][v.substr(0, eq)] = v.substr(eq + 1);
        continue;
      }
      case Kind::kBool:
        if (v.empty() || v == "true" || v == "1") value = true;
        else if (v == "false" || v == "0") value = false;
        else return util::Status::InvalidArgument(entry + "expected true or false");
        break;
      case Kind::kInt: {
        char* end = nullptr;
        long long n = std::strtoll(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0') return util::Status::InvalidArgument(entry + "expected a whole number");
        value = n;
        break;
      }
      case Kind::kString:
        if (v.empty()) return util::Status::InvalidArgument(entry + "expected a value");
        value = v;
        break;
    }
    if (j.contains(key.json) && j[key.json] != value)
      return util::Status::InvalidArgument(entry + "daemon option " + key.json + " is already set to " + j[key.json].dump());
    j[key.json] = value;
  }
  if (j.empty()) return std::string();
  return j.dump(2) + "\n";
}

std::string EnvDropIn(const EngineOptions& e) {
  if (e.env.empty()) return "";
  std::string out = "[Service]\n";
  for (const auto& kv : e.env) {
    // A quoted assignment: backslash and quote escaped; % is a unit specifier, doubled.
    std::string q;
    for (char c : kv) {
      if (c == '\\' || c == '"') q += '\\';
      if (c == '%') q += '%';
      q += c;
    }
    out += "Environment=\"" + q + "\"\n";
  }
  return out;
}

}  // namespace cloud
