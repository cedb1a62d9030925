#include "config/write.h"

#include <toml++/toml.h>

#include "config/atomic_file.h"
#include "config/table_reader.h"
#include "config/toml_emitter.h"
#include "config/toml_text.h"
#include "config/write_sections.h"

namespace config {
namespace {

// A TOML date-time literal when `text` is one that reads back identically, else a string.
std::string DateTimeText(const std::string& text) {
#if TOML_EXCEPTIONS
  try {
    toml::table t = toml::parse("v = " + text);
    if (auto* dt = t["v"].as_date_time(); dt != nullptr && dt->get().offset && FormatDateTime(dt->get()) == text) {
      return text;
    }
  } catch (const toml::parse_error&) {
  }
#else
  toml::parse_result r = toml::parse("v = " + text);
  if (r) {
    if (auto* dt = r.table()["v"].as_date_time(); dt != nullptr && dt->get().offset && FormatDateTime(dt->get()) == text) {
      return text;
    }
  }
#endif
  return TomlString(text);
}

util::Status WriteRunner(const RunnerConfig& r, TomlEmitter& e) {
  const RunnerConfig dflt;
  e.Header("runners", true);
  e.String("name", r.name);
  e.String("url", r.url);
  e.Int("id", r.id);
  e.String("token", r.token);
  if (!r.token_obtained_at.empty()) e.Raw("token_obtained_at", DateTimeText(r.token_obtained_at));
  if (!r.token_expires_at.empty()) e.Raw("token_expires_at", DateTimeText(r.token_expires_at));
  e.StringIfSet("tls-ca-file", r.tls_ca_file);
  e.StringIfSet("tls-cert-file", r.tls_cert_file);
  e.StringIfSet("tls-key-file", r.tls_key_file);
  e.String("executor", r.executor);
  e.StringIfSet("shell", r.shell);
  e.IntIfNot("limit", r.limit, dflt.limit);
  e.StringIfSet("fleet_policy", r.fleet_policy);
  e.IntIfNot("request_concurrency", r.request_concurrency, dflt.request_concurrency);
  e.BoolIfTrue("strict_check_interval", r.strict_check_interval);
  e.IntIfNot("output_limit", r.output_limit, dflt.output_limit);
  e.StringIfSet("builds_dir", r.builds_dir);
  e.StringIfSet("cache_dir", r.cache_dir);
  e.StringIfSet("clone_url", r.clone_url);
  e.StringsIfSet("environment", r.environment);
  e.StringIfSet("pre_get_sources_script", r.pre_get_sources_script);
  e.StringIfSet("post_get_sources_script", r.post_get_sources_script);
  e.StringIfSet("pre_build_script", r.pre_build_script);
  e.StringIfSet("post_build_script", r.post_build_script);
  e.DurationIfNot("prepare_timeout", r.prepare_timeout, dflt.prepare_timeout);
  e.DurationIfNot("get_sources_timeout", r.get_sources_timeout, dflt.get_sources_timeout);
  e.BoolIfTrue("debug_trace_disabled", r.debug_trace_disabled);
  if (r.safe_directory_checkout) e.Bool("safe_directory_checkout", *r.safe_directory_checkout);
  if (r.clean_git_config) e.Bool("clean_git_config", *r.clean_git_config);
  e.IntIfNot("unhealthy_requests_limit", r.unhealthy_requests_limit, dflt.unhealthy_requests_limit);
  e.DurationIfNot("unhealthy_interval", r.unhealthy_interval, dflt.unhealthy_interval);
  e.IntIfNot("job_status_final_update_retry_limit", r.job_status_final_update_retry_limit,
             dflt.job_status_final_update_retry_limit);
  e.StringTable("runners.labels", r.labels);
  if (!r.feature_flags.empty()) {
    e.Header("runners.feature_flags");
    for (const auto& [k, v] : r.feature_flags) e.Bool(k, v);
  }
  if (r.custom_build_dir_enabled) {
    e.Header("runners.custom_build_dir");
    e.Bool("enabled", *r.custom_build_dir_enabled);
  }
  if (r.artifact_upload_timeout != Duration(0) || r.artifact_response_header_timeout != Duration(0)) {
    e.Header("runners.artifact");
    e.DurationIfNot("upload_timeout", r.artifact_upload_timeout, Duration(0));
    e.DurationIfNot("response_header_timeout", r.artifact_response_header_timeout, Duration(0));
  }
  if (r.instance != InstanceConfig{}) {
    e.Header("runners.instance");
    e.StringsIfSet("allowed_images", r.instance.allowed_images);
    e.BoolIfTrue("use_common_build_dir", r.instance.use_common_build_dir);
  }
  if (r.has_docker || r.docker != DockerConfig{}) WriteDocker(r.docker, e);
  if (r.has_cache || r.cache != CacheConfig{}) WriteCache(r.cache, e);
  if (r.has_machine || r.machine != MachineConfig{}) WriteMachine(r.machine, e);
  if (r.has_autoscaler || r.autoscaler != AutoscalerConfig{}) {
    SR_RETURN_IF_ERROR(WriteAutoscaler(r.autoscaler, e).WithContext("runner \"" + r.name + "\""));
  }
  return util::Status::Ok();
}

}  // namespace

util::Result<std::string> FormatConfig(const Config& config) {
  const Config dflt;
  std::string out;
  TomlEmitter e(&out);
  e.StringIfSet("listen_address", config.listen_address);
  e.Int("concurrent", config.concurrent);
  e.Int("check_interval", config.check_interval);
  if (config.log_level != dflt.log_level) e.String("log_level", config.log_level);
  if (config.log_format != dflt.log_format) e.String("log_format", config.log_format);
  e.StringIfSet("user", config.user);
  e.GoDuration("connection_max_age", config.connection_max_age);
  e.Int("shutdown_timeout", config.shutdown_timeout);
  e.StringTable("labels", config.labels);
  for (const RunnerConfig& r : config.runners) {
    util::Status s = WriteRunner(r, e);
    if (!s.ok()) return s;
  }
  return out;
}

util::Status WriteConfigFile(const std::string& path, const Config& config) {
  util::Result<std::string> text = FormatConfig(config);
  if (!text.ok()) return text.status();
  return WriteFileAtomically(path, *text, 0600);
}

}  // namespace config
