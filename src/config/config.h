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
};

struct CacheConfig {
  std::string type;  // "s3", "gcs", "azure", "local"; "" = no distributed cache
  std::string path;
  bool shared = false;
  int64_t max_uploaded_archive_size = 0;
  CacheS3Config s3;
};

struct MachineAutoscaling {  // [[runners.machine.autoscaling]]
  std::vector<std::string> periods;  // 7-field cron
  std::string timezone;
  int idle_count = 0;
  int idle_count_min = 0;
  double idle_scale_factor = 0;
  int idle_time = 0;  // seconds
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
};

struct AutoscalerPolicy {  // [[runners.autoscaler.policy]]
  std::vector<std::string> periods = {"* * * * *"};  // 5-field cron
  std::string timezone;
  int idle_count = 0;
  Duration idle_time = std::chrono::minutes(5);
  double scale_factor = 0;
  int scale_factor_limit = 0;
  std::optional<bool> preemptive_mode;  // default: idle_count > 0
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
  std::string plugin_config_json;  // [runners.autoscaler.plugin_config] re-encoded as JSON
  ConnectorConfig connector;
  std::vector<AutoscalerPolicy> policies;
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
  DockerConfig docker;
  CacheConfig cache;
  MachineConfig machine;
  AutoscalerConfig autoscaler;
  bool has_docker = false, has_machine = false, has_autoscaler = false, has_cache = false;
};

struct Config {
  int concurrent = 1;
  int check_interval = 3;  // seconds; <= 0 means 3
  std::string log_level = "info";
  std::string log_format = "runner";
  std::string listen_address;
  int shutdown_timeout = 30;  // seconds; <= 0 means 30
  Duration connection_max_age = std::chrono::minutes(15);
  std::map<std::string, std::string> labels;
  std::vector<RunnerConfig> runners;
};

}  // namespace config
