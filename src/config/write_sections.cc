#include "config/write_sections.h"

#include <nlohmann/json.hpp>

#include "config/toml_json.h"

namespace config {

void WriteDocker(const DockerConfig& d, TomlEmitter& e) {
  const DockerConfig dflt;
  e.Header("runners.docker");
  e.StringIfSet("host", d.host);
  e.BoolIfTrue("tls_verify", d.tls_verify);
  e.StringIfSet("tls_cert_path", d.tls_cert_path);
  e.String("image", d.image);
  e.StringsIfSet("pull_policy", d.pull_policy);
  e.StringsIfSet("allowed_pull_policies", d.allowed_pull_policies);
  e.StringsIfSet("allowed_images", d.allowed_images);
  e.StringsIfSet("allowed_services", d.allowed_services);
  e.StringsIfSet("allowed_privileged_images", d.allowed_privileged_images);
  e.StringsIfSet("allowed_privileged_services", d.allowed_privileged_services);
  e.StringsIfSet("allowed_users", d.allowed_users);
  e.BoolIfTrue("privileged", d.privileged);
  if (d.services_privileged) e.Bool("services_privileged", *d.services_privileged);
  e.BoolIfTrue("disable_entrypoint_overwrite", d.disable_entrypoint_overwrite);
  e.BoolIfTrue("disable_cache", d.disable_cache);
  e.StringIfSet("cache_dir", d.cache_dir);
  e.StringsIfSet("volumes", d.volumes);
  e.StringIfSet("network_mode", d.network_mode);
  e.StringIfSet("user", d.user);
  e.StringIfSet("hostname", d.hostname);
  e.StringIfSet("helper_image", d.helper_image);
  e.StringIfSet("helper_image_flavor", d.helper_image_flavor);
  e.StringIfSet("memory", d.memory);
  e.StringIfSet("memory_swap", d.memory_swap);
  e.StringIfSet("memory_reservation", d.memory_reservation);
  e.StringIfSet("cpus", d.cpus);
  e.StringIfSet("cpuset_cpus", d.cpuset_cpus);
  e.IntIfNot("cpu_shares", d.cpu_shares, 0);
  e.IntIfNot("shm_size", d.shm_size, 0);
  e.StringsIfSet("dns", d.dns);
  e.StringsIfSet("dns_search", d.dns_search);
  e.StringsIfSet("extra_hosts", d.extra_hosts);
  e.StringsIfSet("cap_add", d.cap_add);
  e.StringsIfSet("cap_drop", d.cap_drop);
  e.StringsIfSet("security_opt", d.security_opt);
  e.StringsIfSet("devices", d.devices);
  e.StringsIfSet("group_add", d.group_add);
  e.StringIfSet("gpus", d.gpus);
  e.IntIfNot("wait_for_services_timeout", d.wait_for_services_timeout, dflt.wait_for_services_timeout);
  e.StringIfSet("runtime", d.runtime);
  e.StringIfSet("cpuset_mems", d.cpuset_mems);
  e.StringIfSet("userns_mode", d.userns_mode);
  e.StringIfSet("ipcmode", d.ipcmode);
  e.StringIfSet("pid_mode", d.pid_mode);
  e.StringIfSet("cgroup_parent", d.cgroup_parent);
  e.StringIfSet("mac_address", d.mac_address);
  e.StringIfSet("isolation", d.isolation);
  e.BoolIfTrue("oom_kill_disable", d.oom_kill_disable);
  e.IntIfNot("oom_score_adjust", d.oom_score_adjust, 0);
  e.StringsIfSet("device_cgroup_rules", d.device_cgroup_rules);
  e.StringsIfSet("volumes_from", d.volumes_from);
  e.StringsIfSet("links", d.links);
  e.StringIfSet("volume_driver", d.volume_driver);
  e.IntIfNot("network_mtu", d.network_mtu, 0);
  e.BoolIfTrue("enable_ipv6", d.enable_ipv6);
  e.StringsIfSet("services_security_opt", d.services_security_opt);
  e.StringIfSet("service_memory", d.service_memory);
  e.StringIfSet("service_memory_swap", d.service_memory_swap);
  e.StringIfSet("service_memory_reservation", d.service_memory_reservation);
  e.StringIfSet("service_cpus", d.service_cpus);
  e.StringIfSet("service_cpuset_cpus", d.service_cpuset_cpus);
  e.IntIfNot("service_cpu_shares", d.service_cpu_shares, 0);
  e.StringIfSet("service_gpus", d.service_gpus);
  e.StringIfSet("service_cgroup_parent", d.service_cgroup_parent);
  e.IntIfNot("services_limit", d.services_limit, -1);
  // Sub-tables last: keys after a header belong to it.
  e.StringTable("runners.docker.container_labels", d.container_labels);
  e.StringTable("runners.docker.tmpfs", d.tmpfs);
  e.StringTable("runners.docker.services_tmpfs", d.services_tmpfs);
  e.StringTable("runners.docker.sysctls", d.sysctls);
  e.StringTable("runners.docker.ulimit", d.ulimit);
  e.StringTable("runners.docker.log_options", d.log_options);
  if (!d.services_devices.empty()) {
    e.Header("runners.docker.services_devices");
    for (const auto& [glob, devices] : d.services_devices) e.Strings(glob, devices);
  }
  for (const DockerService& s : d.services) {
    e.Header("runners.docker.services", true);
    e.String("name", s.name);
    e.StringIfSet("alias", s.alias);
    e.StringsIfSet("entrypoint", s.entrypoint);
    e.StringsIfSet("command", s.command);
    e.StringsIfSet("environment", s.environment);
  }
}

void WriteCache(const CacheConfig& c, TomlEmitter& e) {
  e.Header("runners.cache");
  e.StringIfSet("Type", c.type);
  e.StringIfSet("Path", c.path);
  e.BoolIfTrue("Shared", c.shared);
  e.Int("MaxUploadedArchiveSize", c.max_uploaded_archive_size);
  const CacheS3Config& s = c.s3;
  if (s == CacheS3Config{}) return;
  e.Header("runners.cache.s3");
  e.StringIfSet("ServerAddress", s.server_address);
  e.StringIfSet("AccessKey", s.access_key);
  e.StringIfSet("SecretKey", s.secret_key);
  e.StringIfSet("SessionToken", s.session_token);
  e.StringIfSet("BucketName", s.bucket_name);
  e.StringIfSet("BucketLocation", s.bucket_location);
  e.BoolIfTrue("Insecure", s.insecure);
  e.StringIfSet("AuthenticationType", s.authentication_type);
  e.StringIfSet("ServerSideEncryption", s.server_side_encryption);
  e.StringIfSet("ServerSideEncryptionKeyID", s.server_side_encryption_key_id);
  if (s.dual_stack) e.Bool("DualStack", *s.dual_stack);
  if (s.path_style) e.Bool("PathStyle", *s.path_style);
  e.BoolIfTrue("Accelerate", s.accelerate);
  e.StringIfSet("RoleARN", s.role_arn);
}

void WriteMachine(const MachineConfig& m, TomlEmitter& e) {
  const MachineConfig dflt;
  e.Header("runners.machine");
  e.Int("IdleCount", m.idle_count);
  if (m.idle_scale_factor != 0) e.Float("IdleScaleFactor", m.idle_scale_factor);
  e.IntIfNot("IdleCountMin", m.idle_count_min, dflt.idle_count_min);
  e.Int("IdleTime", m.idle_time);
  e.IntIfNot("MaxGrowthRate", m.max_growth_rate, 0);
  e.IntIfNot("MaxBuilds", m.max_builds, 0);
  e.StringIfSet("MachineDriver", m.machine_driver);
  e.StringIfSet("MachineName", m.machine_name);
  e.StringsIfSet("MachineOptions", m.machine_options);
  for (const MachineAutoscaling& a : m.autoscaling) {
    e.Header("runners.machine.autoscaling", true);
    e.Strings("Periods", a.periods);
    e.Int("IdleCount", a.idle_count);
    e.Int("IdleCountMin", a.idle_count_min);
    e.Float("IdleScaleFactor", a.idle_scale_factor);
    e.Int("IdleTime", a.idle_time);
    e.StringIfSet("Timezone", a.timezone);
  }
}

namespace {

util::Status WritePluginConfig(const std::string& json_text, TomlEmitter& e) {
  nlohmann::json j = nlohmann::json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return util::Status::InvalidArgument("autoscaler plugin_config_json is not a JSON object: " + json_text);
  }
  e.Header("runners.autoscaler.plugin_config");
  for (const auto& [k, v] : j.items()) {
    util::Result<std::string> text = JsonToTomlValue(v);
    if (!text.ok()) return text.status().WithContext("autoscaler plugin_config key \"" + k + "\"");
    e.Raw(k, *text);
  }
  return util::Status::Ok();
}

void WriteConnector(const ConnectorConfig& c, TomlEmitter& e) {
  const ConnectorConfig dflt;
  if (c == dflt) return;
  e.Header("runners.autoscaler.connector_config");
  e.StringIfSet("os", c.os);
  e.StringIfSet("arch", c.arch);
  if (c.protocol != dflt.protocol) e.String("protocol", c.protocol);
  e.IntIfNot("protocol_port", c.protocol_port, 0);
  e.StringIfSet("username", c.username);
  e.StringIfSet("password", c.password);
  e.StringIfSet("key_path", c.key_path);
  e.BoolIfTrue("use_static_credentials", c.use_static_credentials);
  e.DurationIfNot("keepalive", c.keepalive, dflt.keepalive);
  e.DurationIfNot("timeout", c.timeout, dflt.timeout);
  e.BoolIfTrue("use_external_addr", c.use_external_addr);
}

void WritePolicy(const AutoscalerPolicy& p, TomlEmitter& e) {
  const AutoscalerPolicy dflt;
  e.Header("runners.autoscaler.policy", true);
  if (p.periods != dflt.periods) e.Strings("periods", p.periods);
  e.StringIfSet("timezone", p.timezone);
  e.Int("idle_count", p.idle_count);
  e.GoDuration("idle_time", p.idle_time);
  if (p.scale_factor != 0) e.Float("scale_factor", p.scale_factor);
  e.IntIfNot("scale_factor_limit", p.scale_factor_limit, 0);
  if (p.preemptive_mode) e.Bool("preemptive_mode", *p.preemptive_mode);
}

}  // namespace

util::Status WriteAutoscaler(const AutoscalerConfig& a, TomlEmitter& e) {
  const AutoscalerConfig dflt;
  e.Header("runners.autoscaler");
  e.StringIfSet("plugin", a.plugin);
  e.Int("capacity_per_instance", a.capacity_per_instance);
  e.Int("max_use_count", a.max_use_count);
  e.Int("max_instances", a.max_instances);
  e.StringIfSet("instance_ready_command", a.instance_ready_command);
  e.DurationIfNot("instance_acquire_timeout", a.instance_acquire_timeout, dflt.instance_acquire_timeout);
  e.DurationIfNot("update_interval", a.update_interval, dflt.update_interval);
  e.DurationIfNot("update_interval_when_expecting", a.update_interval_when_expecting,
                  dflt.update_interval_when_expecting);
  e.BoolIfTrue("delete_instances_on_shutdown", a.delete_instances_on_shutdown);
  e.IntIfNot("failure_threshold", a.failure_threshold, dflt.failure_threshold);
  e.DurationIfNot("dead_man_switch_timeout", a.dead_man_switch_timeout, dflt.dead_man_switch_timeout);
  if (!a.plugin_config_json.empty()) SR_RETURN_IF_ERROR(WritePluginConfig(a.plugin_config_json, e));
  WriteConnector(a.connector, e);
  for (const AutoscalerPolicy& p : a.policies) WritePolicy(p, e);
  return util::Status::Ok();
}

}  // namespace config
