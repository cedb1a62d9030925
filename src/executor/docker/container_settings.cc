#include "executor/docker/container_settings.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "config/docker_values.h"
#include "executor/docker/allow_list.h"

namespace executor::docker {
namespace {

util::Status Keyed(const util::Status& s, const char* key) {
  return s.ok() ? s : s.WithContext(std::string("[runners.docker] ") + key);
}

// Memory limits and CPUs of one role (the build's keys or the service_* ones).
struct Resources {
  const std::string& memory;
  const std::string& memory_swap;
  const std::string& memory_reservation;
  const std::string& cpus;
  const char* prefix;  // "" or "service_", for messages
};

util::Status ApplyResources(const Resources& r, ContainerSpec* s) {
  const std::string p = r.prefix;
  auto memory = config::ParseMemoryBytes(r.memory);
  if (!memory.ok()) return Keyed(memory.status(), (p + "memory").c_str());
  auto swap = config::ParseMemoryBytes(r.memory_swap);
  if (!swap.ok()) return Keyed(swap.status(), (p + "memory_swap").c_str());
  auto reservation = config::ParseMemoryBytes(r.memory_reservation);
  if (!reservation.ok()) return Keyed(reservation.status(), (p + "memory_reservation").c_str());
  auto cpus = config::ParseNanoCpus(r.cpus);
  if (!cpus.ok()) return Keyed(cpus.status(), (p + "cpus").c_str());
  s->memory_bytes = *memory;
  s->memory_swap = *swap;
  s->memory_reservation = *reservation;
  s->nano_cpus = *cpus;
  return util::Status::Ok();
}

}  // namespace

util::Result<std::vector<std::string>> InlineSeccompProfiles(const std::vector<std::string>& opts) {
  std::vector<std::string> out;
  for (const std::string& opt : opts) {
    size_t eq = opt.find('=');
    std::string key = opt.substr(0, eq), value = eq == std::string::npos ? "" : opt.substr(eq + 1);
    if (eq == std::string::npos || key != "seccomp" || value.rfind('{', 0) == 0 || value == "unconfined" ||
        value == "builtin") {
      out.push_back(opt);
      continue;
    }
    std::ifstream in(value, std::ios::binary);
    std::stringstream text;
    if (in) text << in.rdbuf();
    if (!in) return util::Status::InvalidArgument("failed to read seccomp profile from " + value);
    if (nlohmann::json::parse(text.str(), nullptr, false).is_discarded()) {
      return util::Status::InvalidArgument("seccomp profile " + value + " is not valid JSON");
    }
    out.push_back("seccomp=" + text.str());
  }
  return out;
}

std::string DefaultHostname(const PrepareRequest& req) {
  std::string name = "runner-" + req.runner_short_token + "-project-" + std::to_string(req.project_id) +
                     "-concurrent-" + std::to_string(req.concurrent_id);
  // gitlab-runner's RFC 1123 form: lower case, other characters dropped, a letter or digit
  // first, at most 63 characters.
  std::string out;
  for (char c : name) {
    c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && !out.empty())) out += c;
  }
  return out.substr(0, 63);
}

util::Status ApplyBuildSettings(const config::DockerConfig& d, const PrepareRequest& req, bool job_container,
                                ContainerSpec* s) {
  SR_RETURN_IF_ERROR(ApplyResources({d.memory, d.memory_swap, d.memory_reservation, d.cpus, ""}, s));
  auto gpus = config::ParseGpus(d.gpus);
  if (!gpus.ok()) return Keyed(gpus.status(), "gpus");
  s->device_requests = *gpus;
  for (const auto& [name, value] : d.ulimit) {
    auto u = config::ParseUlimit(name, value);
    if (!u.ok()) return Keyed(u.status(), "ulimit");
    s->ulimits.push_back(*u);
  }
  s->hostname = d.hostname.empty() ? DefaultHostname(req) : d.hostname;
  s->cgroup_parent = d.cgroup_parent;
  s->cpuset_cpus = d.cpuset_cpus;
  s->cpuset_mems = d.cpuset_mems;
  s->cpu_shares = d.cpu_shares;
  s->devices = d.devices;
  s->oom_kill_disable = d.oom_kill_disable;
  s->oom_score_adj = d.oom_score_adjust;
  s->device_cgroup_rules = d.device_cgroup_rules;
  s->dns = d.dns;
  s->dns_search = d.dns_search;
  s->runtime = d.runtime;
  s->group_add = d.group_add;
  s->userns_mode = d.userns_mode;
  s->cap_add = d.cap_add;
  s->cap_drop = d.cap_drop;
  auto security_opt = InlineSeccompProfiles(d.security_opt);
  if (!security_opt.ok()) return Keyed(security_opt.status(), "security_opt");
  s->security_opt = *security_opt;
  s->extra_hosts = d.extra_hosts;
  s->ipc_mode = d.ipcmode;
  s->shm_size = d.shm_size;
  s->volume_driver = d.volume_driver;
  s->volumes_from = d.volumes_from;
  s->links = d.links;
  s->log_options = d.log_options;
  s->tmpfs = d.tmpfs;
  s->sysctls = d.sysctls;
  if (job_container) {
    s->pid_mode = d.pid_mode;
    // gitlab-runner gives every container on the job's network the same address (and none
    // at all below API 1.44, spotrunner's API): the job's own container takes it here.
    s->mac_address = d.mac_address;
  }
  return util::Status::Ok();
}

util::Status ApplyServiceSettings(const config::DockerConfig& d, const std::string& image, ContainerSpec* s) {
  SR_RETURN_IF_ERROR(ApplyResources(
      {d.service_memory, d.service_memory_swap, d.service_memory_reservation, d.service_cpus, "service_"}, s));
  auto gpus = config::ParseGpus(d.service_gpus);
  if (!gpus.ok()) return Keyed(gpus.status(), "service_gpus");
  s->device_requests = *gpus;
  for (const auto& [glob, devices] : d.services_devices) {
    if (GlobMatch(glob, image)) s->devices.insert(s->devices.end(), devices.begin(), devices.end());
  }
  s->cgroup_parent = d.service_cgroup_parent;
  s->cpuset_cpus = d.service_cpuset_cpus;
  s->cpu_shares = d.service_cpu_shares;
  s->dns = d.dns;
  s->dns_search = d.dns_search;
  s->extra_hosts = d.extra_hosts;
  auto security_opt = InlineSeccompProfiles(d.services_security_opt);
  if (!security_opt.ok()) return Keyed(security_opt.status(), "services_security_opt");
  s->security_opt = *security_opt;
  s->runtime = d.runtime;
  s->userns_mode = d.userns_mode;
  s->shm_size = d.shm_size;
  s->tmpfs = d.services_tmpfs;
  s->log_options = d.log_options;
  return util::Status::Ok();
}

}  // namespace executor::docker
