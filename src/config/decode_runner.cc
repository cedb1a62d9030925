// [[runners]] and the global keys.
#include "config/decode.h"
#include "config/feature_flags.h"

namespace config {

void DecodeGlobal(TableReader& r, Config* out) {
  r.Get("concurrent", &out->concurrent);
  r.Get("check_interval", &out->check_interval);
  r.Get("log_level", &out->log_level);
  r.Get("log_format", &out->log_format);
  r.Get("listen_address", &out->listen_address);
  r.Get("user", &out->user);
  r.Get("shutdown_timeout", &out->shutdown_timeout);
  r.GetDuration("connection_max_age", &out->connection_max_age);
  r.Get("labels", &out->labels);
  if (auto s = r.Table("session_server")) {
    // register writes session_timeout alone; without listen_address no session server runs.
    s->Unsupported({"listen_address", "advertise_address"});
    if (s->Raw("listen_address") != nullptr) {
      s->Unsupported({"session_timeout"});
    } else {
      s->Ignore({"session_timeout"});
    }
    s->Finish();
  }
  r.Unsupported({"sentry_dsn", "machine", "experimental"});
  for (TableReader& runner : r.Tables("runners")) {
    RunnerConfig rc;
    DecodeRunner(runner, &rc);
    out->runners.push_back(std::move(rc));
  }
  r.Finish();
}

void DecodeRunner(TableReader& r, RunnerConfig* out) {
  r.Get("name", &out->name);
  r.Get("url", &out->url);
  r.Get("id", &out->id);
  r.Get("token", &out->token);
  r.GetDateTime("token_obtained_at", &out->token_obtained_at);
  r.GetDateTime("token_expires_at", &out->token_expires_at);
  r.Get("tls-ca-file", &out->tls_ca_file);
  r.Get("tls-cert-file", &out->tls_cert_file);
  r.Get("tls-key-file", &out->tls_key_file);
  r.Get("executor", &out->executor);
  r.Get("shell", &out->shell);
  r.Get("limit", &out->limit);
  r.Get("fleet_policy", &out->fleet_policy);
  r.Get("request_concurrency", &out->request_concurrency);
  r.Get("strict_check_interval", &out->strict_check_interval);
  r.Get("output_limit", &out->output_limit);
  r.Get("builds_dir", &out->builds_dir);
  r.Get("cache_dir", &out->cache_dir);
  r.Get("clone_url", &out->clone_url);
  r.Get("environment", &out->environment);
  r.Get("pre_clone_script", &out->pre_get_sources_script);  // legacy name, superseded below
  r.Get("pre_get_sources_script", &out->pre_get_sources_script);
  r.Get("post_get_sources_script", &out->post_get_sources_script);
  r.Get("pre_build_script", &out->pre_build_script);
  r.Get("post_build_script", &out->post_build_script);
  r.GetDuration("prepare_timeout", &out->prepare_timeout);
  r.GetDuration("get_sources_timeout", &out->get_sources_timeout);
  r.Get("debug_trace_disabled", &out->debug_trace_disabled);
  r.Get("safe_directory_checkout", &out->safe_directory_checkout);
  r.Get("clean_git_config", &out->clean_git_config);
  r.Get("unhealthy_requests_limit", &out->unhealthy_requests_limit);
  r.GetDuration("unhealthy_interval", &out->unhealthy_interval);
  r.Get("job_status_final_update_retry_limit", &out->job_status_final_update_retry_limit);
  r.Get("labels", &out->labels);
  r.Get("feature_flags", &out->feature_flags);
  if (const toml::node* ff = r.Raw("feature_flags"); ff != nullptr && ff->is_table() && !r.ctx().failed()) {
    for (auto&& [name, value] : *ff->as_table()) {
      auto problem = FeatureFlagProblem(name.str(), value.value_or(false));
      if (!problem) continue;
      r.ctx().Warn(PosOf(value), "feature flag \"runners.feature_flags." + std::string(name.str()) + "\" " + *problem);
    }
  }
  if (auto t = r.Table("custom_build_dir")) {
    t->Get("enabled", &out->custom_build_dir_enabled);
    t->Finish();
  }
  if (auto t = r.Table("artifact")) {
    t->GetDuration("upload_timeout", &out->artifact_upload_timeout);
    t->GetDuration("response_header_timeout", &out->artifact_response_header_timeout);
    t->Finish();
  }
  if (auto t = r.Table("instance")) {
    t->Get("allowed_images", &out->instance.allowed_images);
    t->Get("use_common_build_dir", &out->instance.use_common_build_dir);
    t->Finish();
  }
  if (auto t = r.Table("docker")) {
    out->has_docker = true;
    DecodeDocker(*t, &out->docker);
  }
  if (auto t = r.Table("cache")) {
    out->has_cache = true;
    DecodeCache(*t, &out->cache);
  }
  if (auto t = r.Table("machine")) {
    out->has_machine = true;
    DecodeMachine(*t, &out->machine);
  }
  if (auto t = r.Table("autoscaler")) {
    out->has_autoscaler = true;
    DecodeAutoscaler(*t, &out->autoscaler);
  }
  // Known to gitlab-runner and not honoured here: warned about when set.
  r.Unsupported({"proxy_exec", "referees", "monitoring", "experimental", "use_slot_cgroups", "slot_cgroup_template",
                 "step_runner_image", "ssh", "kubernetes", "custom", "parallels", "virtualbox"});
  r.Finish();
}

}  // namespace config
