#pragma once
// JobSpec: the compact job description accepted by POST /admin/jobs (and by
// Coordinator::EnqueueJob). Its keys follow .gitlab-ci.yml where they can, so a caller
// that parsed a pipeline passes a job's mapping nearly as is. See README.md for the
// full list of keys. ParseJobSpec normalises image/services/artifacts/cache into the
// exact shapes GitLab puts in the job payload.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace coordinator {

struct JobVariableSpec {
  std::string key;
  std::string value;
  bool is_public = true;  // false for masked values
  bool masked = false;
  bool file = false;
  bool raw = false;
};

struct GitSpec {
  // http(s) URL (credentials are added per job), or a local repository: a path or a
  // file:// URL (the coordinator then serves a mirror of it over smart HTTP).
  std::string repo_url;
  std::string ref = "main";
  std::string ref_type = "branch";  // "branch" or "tag"
  std::string sha;                  // "" = resolved from `ref` for local repositories
  std::string before_sha = "0000000000000000000000000000000000000000";
  int depth = 20;  // GitLab's project default; a GIT_DEPTH variable overrides it
  bool protected_ref = true;
  // Other projects of this host the job's token may read (private submodules), project
  // path → local repository; each is served from its mirror as the job's own project is.
  std::map<std::string, std::string> projects;
};

struct JobSpec {
  std::string name = "job";
  std::string stage = "test";
  std::vector<std::string> before_script;
  std::vector<std::string> script;  // REQUIRES: non-empty
  std::vector<std::string> after_script;
  nlohmann::json image;     // null, or the payload's image object
  nlohmann::json services;  // payload array
  std::vector<JobVariableSpec> variables;
  std::vector<std::string> tags;
  int64_t timeout_seconds = 0;  // 0 = the coordinator's default
  GitSpec git;
  nlohmann::json artifacts;     // payload array
  nlohmann::json cache;         // payload array (keys without the -protected suffix)
  nlohmann::json dependencies;  // array of job ids or of payload dependency objects
  bool allow_failure = false;
  std::vector<int> allow_failure_exit_codes;
  nlohmann::json secrets;  // passthrough object, null when absent
  nlohmann::json credentials = nlohmann::json::array();  // payload array ({type, url, username, password})
  nlohmann::json hooks;    // payload array, null when absent
  int64_t project_id = 1;
  std::string project_path = "local/project";  // namespace/name
  int64_t pipeline_id = 0;  // 0 = a new pipeline per job
};

// Parses and validates a compact spec. On failure: InvalidArgument naming the key.
util::Result<JobSpec> ParseJobSpec(const nlohmann::json& j);

// Features (info.features keys) a runner must advertise to be given this job, as
// GitLab's Ci::Build#supported_runner? decides.
std::vector<std::string> RequiredRunnerFeatures(const JobSpec& spec);

}  // namespace coordinator
