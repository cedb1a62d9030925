// [runners.autoscaler], its plugin_config, connector_config and [[runners.autoscaler.policy]].
#include "config/decode.h"
#include "config/toml_json.h"

namespace config {
namespace {

void DecodeConnector(TableReader& r, ConnectorConfig* out) {
  r.Get("os", &out->os);
  r.Get("arch", &out->arch);
  r.Get("protocol", &out->protocol);
  r.Get("protocol_port", &out->protocol_port);
  r.Get("username", &out->username);
  r.Get("password", &out->password);
  r.Get("key_path", &out->key_path);
  r.Get("use_static_credentials", &out->use_static_credentials);
  r.Get("use_external_addr", &out->use_external_addr);
  r.GetDuration("timeout", &out->timeout);
  r.GetDuration("keepalive", &out->keepalive);
  r.Finish();
}

void DecodePolicy(TableReader& r, AutoscalerPolicy* out) {
  r.Get("periods", &out->periods);
  r.Get("timezone", &out->timezone);
  r.Get("idle_count", &out->idle_count);
  r.GetDuration("idle_time", &out->idle_time);
  r.Get("scale_factor", &out->scale_factor);
  r.Get("scale_factor_limit", &out->scale_factor_limit);
  r.Get("preemptive_mode", &out->preemptive_mode);
  r.Finish();
}

}  // namespace

void DecodeAutoscaler(TableReader& r, AutoscalerConfig* out) {
  r.Get("plugin", &out->plugin);
  r.Get("capacity_per_instance", &out->capacity_per_instance);
  r.Get("max_use_count", &out->max_use_count);
  r.Get("max_instances", &out->max_instances);
  r.Get("instance_ready_command", &out->instance_ready_command);
  r.GetDuration("instance_acquire_timeout", &out->instance_acquire_timeout);
  r.GetDuration("update_interval", &out->update_interval);
  r.GetDuration("update_interval_when_expecting", &out->update_interval_when_expecting);
  r.Get("delete_instances_on_shutdown", &out->delete_instances_on_shutdown);
  r.Get("failure_threshold", &out->failure_threshold);
  r.GetDuration("dead_man_switch_timeout", &out->dead_man_switch_timeout);
  std::string written;
  if (const toml::node* pc = r.Raw("plugin_config", &written)) {
    if (pc->is_table()) {
      out->plugin_config_json = TomlToJson(*pc).dump();
    } else {
      r.TypeError(*pc, written, "table");
    }
  }
  if (auto c = r.Table("connector_config")) DecodeConnector(*c, &out->connector);
  for (TableReader& p : r.Tables("policy")) {
    AutoscalerPolicy policy;
    DecodePolicy(p, &policy);
    out->policies.push_back(std::move(policy));
  }
  r.Unsupported({"deletion_retry_interval", "shutdown_deletion_interval", "shutdown_deletion_retries", "scale_throttle",
                 "reservation_throttling", "log_internal_ip", "log_external_ip", "vm_isolation", "state_storage",
                 "instance_operation_time_buckets", "instance_creation_time_buckets",
                 "instance_is_running_time_buckets", "instance_deletion_time_buckets",
                 "instance_readiness_time_buckets", "instance_life_duration_buckets"});
  r.Finish();
}

}  // namespace config
