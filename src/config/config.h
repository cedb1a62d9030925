#pragma once
// The config.toml model, in gitlab-runner's format (keys and meanings as gitlab-runner reads
// them). Defaults are stated next to each field; "0"/"" mean "not set" where the real runner
// treats them so. Parsing: config/parse.h. Writing: config/write.h.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace config {

using Seconds = std::chrono::seconds;
using Duration = std::chrono::nanoseconds;

struct DockerService {
  std::string name;
  std::string alias;
  std::vector<std::string> entrypoint;
  std::vector<std::string> command;
  std::vector<std::string> environment;

  bool operator==(const DockerService&) const = default;
};

struct DockerConfig {
  std::string host;   // "" = DOCKER_HOST or unix:///var/run/docker.sock
  std::string image;  // default job image
  std::vector<std::string> pull_policy;  // default {"always"}; fallback chain
  std::vector<std::string> allowed_pull_policies;
  std::vector<std::string> allowed_images;
  std::vector<std::string> allowed_services;
  bool privileged = false;
  bool disable_entrypoint_overwrite = false;
  bool disable_cache = false;
  std::vector<std::string> volumes;
  std::string network_mode;
  std::string user;
  std::string helper_image;
  std::string memory;
  std::string cpus;
  int64_t shm_size = 0;
  std::vector<std::string> dns;
  std::vector<std::string> extra_hosts;
  std::vector<std::string> cap_add;
  std::vector<std::string> cap_drop;
  std::vector<std::string> security_opt;
  std::vector<std::string> devices;
  std::string gpus;
  int wait_for_services_timeout = 30;  // seconds; -1 disables waiting
  std::map<std::string, std::string> container_labels;
  std::vector<DockerService> services;
  // Less common keys, kept so a rewrite preserves them.
  bool tls_verify = false;
  std::string tls_cert_path;
  std::string cache_dir;
  std::optional<bool> services_privileged;  // unset = same as privileged
  std::vector<std::string> allowed_privileged_images;
  std::vector<std::string> allowed_privileged_services;
  std::vector<std::string> allowed_users;
  std::string hostname;
  std::string memory_swap;
  std::string memory_reservation;
  std::string cpuset_cpus;
  int64_t cpu_shares = 0;
  std::vector<std::string> dns_search;
  std::vector<std::string> group_add;
  std::string helper_image_flavor;
  std::map<std::string, std::string> tmpfs;
  std::map<std::string, std::string> services_tmpfs;
  std::map<std::string, std::string> sysctls;
  // Applied to the job's (and helper's) containers as gitlab-runner does; "" / 0 / empty =
  // the daemon's default. Checked at load (config/validate_docker.cc).
  std::string runtime;
  std::string cpuset_mems;
  std::string userns_mode;
  std::string ipcmode;
  std::string pid_mode;        // job container only
  std::string cgroup_parent;
  std::string mac_address;     // on the job's network endpoint
  std::string isolation;       // Windows only: "", "default", "process", "hyperv"
  bool oom_kill_disable = false;
  int oom_score_adjust = 0;
  std::vector<std::string> device_cgroup_rules;
  std::vector<std::string> volumes_from;
  std::vector<std::string> links;  // "container:alias", job container only
  std::string volume_driver;
  std::map<std::string, std::string> ulimit;       // name -> "soft[:hard]"
  std::map<std::string, std::string> log_options;  // json-file options: env, labels
  // The job's own network (services or FF_NETWORK_PER_BUILD): MTU (0 = daemon default), IPv6.
  int network_mtu = 0;
  bool enable_ipv6 = false;
  // Service containers: their own resources and security options.
  std::vector<std::string> services_security_opt;
  std::map<std::string, std::vector<std::string>> services_devices;  // image glob -> devices
  std::string service_memory;
  std::string service_memory_swap;
  std::string service_memory_reservation;
  std::string service_cpus;
  std::string service_cpuset_cpus;
  int64_t service_cpu_shares = 0;
  std::string service_gpus;
  std::string service_cgroup_parent;
  int services_limit = -1;  // most services (config and job) a job may have; -1 = no limit

  bool operator==(const DockerConfig&) const = default;
};

struct CacheS3Config {
  std::string server_address;
  std::string access_key;
  std::string secret_key;
  std::string session_token;
  std::string bucket_name;
  std::string bucket_location;
  bool insecure = false;
  std::string authentication_type;  // "access-key" | "iam" | "" (derived)
  std::string server_side_encryption;
  std::string server_side_encryption_key_id;
  std::optional<bool> path_style;
  std::optional<bool> dual_stack;  // unset = true
  bool accelerate = false;
  std::string role_arn;

  bool operator==(const CacheS3Config&) const = default;
};

struct CacheConfig {
  std::string type;  // "s3", "gcs", "azure", "local"; "" = no distributed cache
  std::string path;
  bool shared = false;
  int64_t max_uploaded_archive_size = 0;
  CacheS3Config s3;

  bool operator==(const CacheConfig&) const = default;
};

struct MachineAutoscaling {  // [[runners.machine.autoscaling]]
  std::vector<std::string> periods;  // 7-field cron
  std::string timezone;
  int idle_count = 0;
  int idle_count_min = 0;
  double idle_scale_factor = 0;
  int idle_time = 0;  // seconds

  bool operator==(const MachineAutoscaling&) const = default;
};

struct MachineConfig {  // [runners.machine], executor docker+machine
  int idle_count = 0;
  int idle_count_min = 1;
  double idle_scale_factor = 0;
  int idle_time = 0;  // seconds
  int max_growth_rate = 0;
  int max_builds = 0;
  std::string machine_driver;
  std::string machine_name;
  std::vector<std::string> machine_options;
  std::vector<MachineAutoscaling> autoscaling;

  bool operator==(const MachineConfig&) const = default;
};

struct AutoscalerPolicy {  // [[runners.autoscaler.policy]]
  std::vector<std::string> periods = {"* * * * *"};  // 5-field cron
  std::string timezone;
  int idle_count = 0;
  Duration idle_time = std::chrono::minutes(5);
  double scale_factor = 0;
  int scale_factor_limit = 0;
  std::optional<bool> preemptive_mode;  // default: idle_count > 0

  bool operator==(const AutoscalerPolicy&) const = default;
};

struct ConnectorConfig {
  std::string os;
  std::string arch;
  std::string protocol = "ssh";
  int protocol_port = 0;
  std::string username;
  std::string password;
  std::string key_path;
  bool use_static_credentials = false;
  bool use_external_addr = false;
  Duration timeout{0};
  Duration keepalive{0};

  bool operator==(const ConnectorConfig&) const = default;
};

struct AutoscalerConfig {  // [runners.autoscaler], executors docker-autoscaler and instance
  std::string plugin;
  int capacity_per_instance = 1;
  int max_use_count = 0;
  int max_instances = 0;
  std::string instance_ready_command;
  Duration instance_acquire_timeout = std::chrono::minutes(15);
  Duration update_interval = std::chrono::minutes(1);
  Duration update_interval_when_expecting = std::chrono::seconds(2);
  bool delete_instances_on_shutdown = false;
  int failure_threshold = 3;
  // Dead-man switch: an instance whose manager has not been heard from (heartbeat over SSH)
  // this long removes itself. Applies to every autoscaled entry (docker+machine too); 0 = off.
  Duration dead_man_switch_timeout = std::chrono::minutes(30);
  // [runners.autoscaler.plugin_config] re-encoded as compact JSON, object keys sorted ("" = none).
  std::string plugin_config_json;
  ConnectorConfig connector;
  std::vector<AutoscalerPolicy> policies;

  bool operator==(const AutoscalerConfig&) const = default;
};

struct InstanceConfig {  // [runners.instance]
  std::vector<std::string> allowed_images;
  bool use_common_build_dir = false;

  bool operator==(const InstanceConfig&) const = default;
};

struct RunnerConfig {  // one [[runners]] entry
  std::string name;
  std::string url;    // $VAR-expanded at load
  int64_t id = 0;
  std::string token;  // $VAR-expanded at load; never log it
  std::string token_obtained_at;  // RFC 3339; "" = unknown
  std::string token_expires_at;   // RFC 3339; "" or 0001-01-01... = never
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string executor;  // shell, docker, docker+machine, docker-autoscaler, instance
  std::string shell;     // "" = bash, else sh
  int limit = 0;                 // 0 = unlimited
  int request_concurrency = 1;   // values < 1 mean 1
  bool strict_check_interval = false;
  int output_limit = 4096;       // KiB
  std::string builds_dir;
  std::string cache_dir;
  std::string clone_url;
  std::vector<std::string> environment;  // KEY=VALUE
  std::string pre_get_sources_script;
  std::string post_get_sources_script;
  std::string pre_build_script;
  std::string post_build_script;
  Duration prepare_timeout{0};       // 0 = job timeout
  Duration get_sources_timeout{0};   // 0 = job timeout
  bool debug_trace_disabled = false;
  int unhealthy_requests_limit = 3;
  Duration unhealthy_interval = std::chrono::hours(1);
  int job_status_final_update_retry_limit = 10;
  std::map<std::string, std::string> labels;
  std::map<std::string, bool> feature_flags;
  std::optional<bool> safe_directory_checkout;
  std::optional<bool> clean_git_config;       // unset = executor default
  std::optional<bool> custom_build_dir_enabled;  // [runners.custom_build_dir] enabled
  Duration artifact_upload_timeout{0};          // [runners.artifact]; 0 = 1h
  Duration artifact_response_header_timeout{0};  // [runners.artifact]; 0 = 10m
  // spotrunner's own key: how an autoscaled entry keeps instances ready. "" or "default"
  // (spotrunner's policy), "docker-machine" or "taskscaler" (gitlab-runner's exact rules).
  std::string fleet_policy;
  InstanceConfig instance;  // [runners.instance], executor instance
  DockerConfig docker;
  CacheConfig cache;
  MachineConfig machine;
  AutoscalerConfig autoscaler;
  // Whether the section was present in the file (a present but empty section is written back).
  bool has_docker = false, has_machine = false, has_autoscaler = false, has_cache = false;

  bool operator==(const RunnerConfig&) const = default;
};

struct Config {
  int concurrent = 1;
  int check_interval = 3;  // seconds; <= 0 means 3
  std::string log_level = "info";
  std::string log_format = "runner";
  std::string listen_address;
  std::string user;  // user the shell executor runs jobs as ("" = current)
  int shutdown_timeout = 30;  // seconds; <= 0 means 30
  Duration connection_max_age = std::chrono::minutes(15);
  std::map<std::string, std::string> labels;
  std::vector<RunnerConfig> runners;

  bool operator==(const Config&) const = default;
};

}  // namespace config
