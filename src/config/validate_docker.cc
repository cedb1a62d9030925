#include "config/validate_docker.h"

#include <arpa/inet.h>

#include "config/docker_values.h"

namespace config {
namespace {

// Adds "<label>: key "runners.docker.<key>": <why>" at runners[i].docker.<key>.
struct Checker {
  const std::string& id;
  const std::string& label;
  std::vector<Problem>* out;

  // `shown` is the key as messages spell it, when it differs ("tmpfs.\"/scratch\"").
  void Check(const std::string& key, const util::Status& s, const std::string& shown = "") {
    if (s.ok()) return;
    std::string name = "runners.docker." + (shown.empty() ? key : shown);
    out->push_back({id + ".docker." + key, label + ": key \"" + name + "\": " + s.message()});
  }
};

}  // namespace

void CheckDocker(const DockerConfig& d, const std::string& id, const std::string& label, std::vector<Problem>* out) {
  Checker c{id, label, out};
  const std::pair<const char*, const std::string*> sizes[] = {
      {"memory", &d.memory},
      {"memory_swap", &d.memory_swap},
      {"memory_reservation", &d.memory_reservation},
      {"service_memory", &d.service_memory},
      {"service_memory_swap", &d.service_memory_swap},
      {"service_memory_reservation", &d.service_memory_reservation}};
  for (const auto& [key, value] : sizes) c.Check(key, ParseMemoryBytes(*value).status());
  c.Check("cpus", ParseNanoCpus(d.cpus).status());
  c.Check("service_cpus", ParseNanoCpus(d.service_cpus).status());
  c.Check("gpus", ParseGpus(d.gpus).status());
  c.Check("service_gpus", ParseGpus(d.service_gpus).status());
  for (const auto& [name, value] : d.ulimit) c.Check("ulimit." + name, ParseUlimit(name, value).status());
  for (const auto* table : {&d.tmpfs, &d.services_tmpfs}) {
    const char* key = table == &d.tmpfs ? "tmpfs" : "services_tmpfs";
    for (const auto& [path, options] : *table) {
      std::string entry = std::string(key) + "." + path, shown = std::string(key) + ".\"" + path + "\"";
      if (path.empty() || path[0] != '/') {
        c.Check(entry, util::Status::InvalidArgument("the mount point must be an absolute path"), shown);
      }
      c.Check(entry, CheckTmpfsOptions(options), shown);
    }
  }
  if (!d.mac_address.empty()) c.Check("mac_address", CheckMacAddress(d.mac_address));
  if (d.isolation != "" && d.isolation != "default" && d.isolation != "process" && d.isolation != "hyperv") {
    c.Check("isolation", util::Status::InvalidArgument("the isolation value \"" + d.isolation +
                                                       "\" is not valid. the valid values are: 'process', 'hyperv', "
                                                       "'default' and an empty string"));
  } else if (d.isolation == "process" || d.isolation == "hyperv") {
    out->push_back({id + ".docker.isolation",
                    label + ": key \"runners.docker.isolation\" is not supported by spotrunner (it applies to "
                            "Windows containers only); ignored",
                    false});
  }
  for (const auto& [k, v] : d.log_options) {
    if (k != "env" && k != "labels") {
      c.Check("log_options." + k,
              util::Status::InvalidArgument("invalid log option: only \"env\" and \"labels\" are allowed"));
    }
  }
  for (size_t i = 0; i < d.dns.size(); ++i) {  // gitlab-runner parses them as IP addresses
    unsigned char buf[16];
    const char* a = d.dns[i].c_str();
    if (inet_pton(AF_INET, a, buf) != 1 && inet_pton(AF_INET6, a, buf) != 1) {
      c.Check("dns", util::Status::InvalidArgument("invalid DNS server address \"" + d.dns[i] + "\""));
    }
  }
  if (d.network_mtu < 0) c.Check("network_mtu", util::Status::InvalidArgument("must not be negative"));
}

}  // namespace config
