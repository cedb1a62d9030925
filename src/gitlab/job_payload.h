#pragma once
// The job payload GitLab returns from POST /jobs/request (201), as plain data.
// Parsing is tolerant (unknown keys ignored, null == absent); see job_payload_parse.h.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gitlab {

struct JobVariable {
  std::string key;
  std::string value;
  bool is_public = false;
  bool masked = false;
  bool file = false;  // write value to a file; the variable holds the file's path
  bool raw = false;   // no $VAR expansion
};

struct JobInfo {
  int64_t id = 0;
  std::string name;
  std::string stage;
  int64_t pipeline_id = 0;
  int64_t project_id = 0;
  std::string project_name;
  std::string project_full_path;
  double time_in_queue_seconds = 0;
};

struct GitInfo {
  std::string repo_url;  // carries the job token as credentials: never log it
  std::string ref;
  std::string sha;
  std::string before_sha;
  std::string ref_type;
  std::vector<std::string> refspecs;
  int depth = 0;
  std::string repo_object_format;  // "" means sha1
};

struct RunnerInfo {
  int64_t timeout = 0;  // seconds; 0 means the 7200 s default
};

struct Step {
  std::string name;  // "script", "after_script", "release", ...
  std::vector<std::string> script;
  int64_t timeout = 0;
  std::string when;  // on_success (default), on_failure, always
  bool allow_failure = false;
};

struct Hook {
  std::string name;  // pre_get_sources_script, post_get_sources_script
  std::vector<std::string> script;
};

struct ImagePort {
  int number = 0;
  std::string protocol;
  std::string name;
};

struct Image {
  std::string name;
  std::string alias;
  std::optional<std::vector<std::string>> entrypoint;  // [""] clears it
  std::optional<std::vector<std::string>> command;
  std::vector<ImagePort> ports;
  std::vector<JobVariable> variables;
  std::vector<std::string> pull_policy;
  std::string docker_platform;  // executor_opts.docker.platform
  std::string docker_user;      // executor_opts.docker.user (an int is kept as its digits)
  std::string kubernetes_user;  // executor_opts.kubernetes.user (an int is kept as its digits)
  std::vector<std::string> unsupported_docker_opts;  // unknown executor_opts.docker keys
};

struct Artifact {
  std::string name;
  bool untracked = false;
  std::vector<std::string> paths;
  std::vector<std::string> exclude;
  std::string when;
  std::string expire_in;
  std::string artifact_type;
  std::string artifact_format;
};

struct Cache {
  std::string key;
  bool untracked = false;
  std::vector<std::string> paths;
  std::string policy;
  std::string when;
  std::vector<std::string> fallback_keys;
};

struct Credential {
  std::string type;
  std::string url;
  std::string username;
  std::string password;
};

struct Dependency {
  int64_t id = 0;
  std::string name;
  std::string token;
  std::string artifacts_filename;  // empty: nothing to download
  int64_t artifacts_size = 0;
};

struct Features {
  bool trace_sections = false;
  std::vector<std::string> failure_reasons;
  std::vector<std::string> token_mask_prefixes;
};

struct JobPayload {
  int64_t id = 0;
  std::string token;  // job token: never log it
  bool allow_git_fetch = false;
  JobInfo job_info;
  GitInfo git_info;
  RunnerInfo runner_info;
  std::vector<JobVariable> variables;
  std::vector<Step> steps;
  std::vector<Hook> hooks;
  std::optional<Image> image;
  std::vector<Image> services;
  std::vector<Artifact> artifacts;
  std::vector<Cache> cache;
  std::vector<Credential> credentials;
  std::vector<Dependency> dependencies;
  Features features;
  std::string run;  // CI-steps JSON string; empty when the job uses steps
};

}  // namespace gitlab
