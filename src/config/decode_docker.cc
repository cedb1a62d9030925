// [runners.docker] and [[runners.docker.services]].
#include "config/decode.h"

namespace config {
namespace {

void DecodeService(TableReader& r, DockerService* out) {
  r.Get("name", &out->name);
  r.Get("alias", &out->alias);
  r.Get("entrypoint", &out->entrypoint);
  r.Get("command", &out->command);
  r.Get("environment", &out->environment);
  r.Unsupported({"suspend_data_path"});
  r.Finish();
}

}  // namespace

void DecodeDocker(TableReader& r, DockerConfig* out) {
  r.Get("host", &out->host);
  r.Get("tls_verify", &out->tls_verify);
  r.Get("tls_cert_path", &out->tls_cert_path);
  r.Get("image", &out->image);
  r.GetStringOrList("pull_policy", &out->pull_policy);
  r.Get("allowed_pull_policies", &out->allowed_pull_policies);
  r.Get("allowed_images", &out->allowed_images);
  r.Get("allowed_services", &out->allowed_services);
  r.Get("allowed_privileged_images", &out->allowed_privileged_images);
  r.Get("allowed_privileged_services", &out->allowed_privileged_services);
  r.Get("allowed_users", &out->allowed_users);
  r.Get("privileged", &out->privileged);
  r.Get("services_privileged", &out->services_privileged);
  r.Get("disable_entrypoint_overwrite", &out->disable_entrypoint_overwrite);
  r.Get("disable_cache", &out->disable_cache);
  r.Get("cache_dir", &out->cache_dir);
  r.Get("volumes", &out->volumes);
  r.Get("network_mode", &out->network_mode);
  r.Get("user", &out->user);
  r.Get("hostname", &out->hostname);
  r.Get("helper_image", &out->helper_image);
  r.Get("helper_image_flavor", &out->helper_image_flavor);
  r.Get("memory", &out->memory);
  r.Get("memory_swap", &out->memory_swap);
  r.Get("memory_reservation", &out->memory_reservation);
  r.Get("cpus", &out->cpus);
  r.Get("cpuset_cpus", &out->cpuset_cpus);
  r.Get("cpu_shares", &out->cpu_shares);
  r.Get("shm_size", &out->shm_size);
  r.Get("dns", &out->dns);
  r.Get("dns_search", &out->dns_search);
  r.Get("extra_hosts", &out->extra_hosts);
  r.Get("cap_add", &out->cap_add);
  r.Get("cap_drop", &out->cap_drop);
  r.Get("security_opt", &out->security_opt);
  r.Get("devices", &out->devices);
  r.Get("group_add", &out->group_add);
  r.Get("gpus", &out->gpus);
  r.Get("wait_for_services_timeout", &out->wait_for_services_timeout);
  r.Get("container_labels", &out->container_labels);
  r.Get("tmpfs", &out->tmpfs);
  r.Get("services_tmpfs", &out->services_tmpfs);
  r.Get("sysctls", &out->sysctls);
  for (TableReader& s : r.Tables("services")) {
    DockerService service;
    DecodeService(s, &service);
    out->services.push_back(std::move(service));
  }
  r.Get("runtime", &out->runtime);
  r.Get("cpuset_mems", &out->cpuset_mems);
  r.Get("userns_mode", &out->userns_mode);
  r.Get("ipcmode", &out->ipcmode);
  r.Get("pid_mode", &out->pid_mode);
  r.Get("cgroup_parent", &out->cgroup_parent);
  r.Get("mac_address", &out->mac_address);
  r.Get("isolation", &out->isolation);
  r.Get("oom_kill_disable", &out->oom_kill_disable);
  r.Get("oom_score_adjust", &out->oom_score_adjust);
  r.Get("device_cgroup_rules", &out->device_cgroup_rules);
  r.Get("volumes_from", &out->volumes_from);
  r.Get("links", &out->links);
  r.Get("volume_driver", &out->volume_driver);
  r.Get("ulimit", &out->ulimit);
  r.Get("log_options", &out->log_options);
  r.Get("network_mtu", &out->network_mtu);
  r.Get("enable_ipv6", &out->enable_ipv6);
  r.Get("services_security_opt", &out->services_security_opt);
  r.Get("services_devices", &out->services_devices);
  r.Get("service_memory", &out->service_memory);
  r.Get("service_memory_swap", &out->service_memory_swap);
  r.Get("service_memory_reservation", &out->service_memory_reservation);
  r.Get("service_cpus", &out->service_cpus);
  r.Get("service_cpuset_cpus", &out->service_cpuset_cpus);
  r.Get("service_cpu_shares", &out->service_cpu_shares);
  r.Get("service_gpus", &out->service_gpus);
  r.Get("service_cgroup_parent", &out->service_cgroup_parent);
  r.Get("services_limit", &out->services_limit);
  // Known to gitlab-runner and not honoured here: warned about when set.
  r.Unsupported({"volume_keep", "volume_driver_ops", "service_slot_cgroup_template",
                 "helper_image_autoset_arch_and_os"});
  r.Finish();
}

}  // namespace config
