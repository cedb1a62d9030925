#pragma once
// The runner `info` object sent with register, verify, job requests and job updates
// (protocol reference §2.7, §2.7.1).
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace gitlab {

// Capabilities the runner advertises. GitLab withholds jobs needing a feature that is false.
// The caller sets what its executor really supports; everything defaults to false.
struct FeaturesInfo {
  bool variables = false;
  bool image = false;
  bool services = false;
  bool artifacts = false;
  bool cache = false;
  bool fallback_cache_keys = false;
  bool shared = false;
  bool upload_multiple_artifacts = false;
  bool upload_raw_artifacts = false;
  bool session = false;
  bool terminal = false;
  bool refspecs = false;
  bool masking = false;
  bool proxy = false;
  bool raw_variables = false;
  bool artifacts_exclude = false;
  bool multi_build_steps = false;
  bool trace_reset = false;
  bool trace_checksum = false;
  bool trace_size = false;
  bool vault_secrets = false;
  bool cancelable = false;
  bool return_exit_code = false;
  bool service_variables = false;
  bool service_multiple_aliases = false;
  bool image_executor_opts = false;
  bool service_executor_opts = false;
  bool cancel_gracefully = false;
  bool native_steps_integration = false;
  bool two_phase_job_commit = false;
  bool job_inputs = false;
};

struct VersionInfo {
  std::string name = "spotrunner";
  std::string version;       // util::kVersion by default (see DefaultVersionInfo)
  std::string revision;      // util::kRevision by default
  std::string platform;      // "linux"
  std::string architecture;  // Go spelling of the build's CPU: amd64, arm64, ...
  std::string executor;      // "docker", "shell", "docker-autoscaler", ...
  std::string shell;         // "bash", "sh", ... (omitted when empty)
  FeaturesInfo features;
  std::string gpus;  // docker `gpus`; sent as info.config.gpus
  std::map<std::string, std::string> labels;  // omitted when empty
};

// name/version/revision/platform/architecture of this build; executor, shell, features
// and labels left for the caller.
VersionInfo DefaultVersionInfo();

// The CPU architecture of this build in Go's spelling ("amd64", "arm64", "386", ...).
const char* BuildArchitecture();

// Every feature key, in the order the real runner sends them (fixture
// runner_info_features_all_enabled.json), each true only where `f` says so.
nlohmann::ordered_json FeaturesJson(const FeaturesInfo& f);

// The whole `info` object: name, version, revision, platform, architecture, executor,
// shell (when set), features, config.gpus, labels (when any).
nlohmann::ordered_json VersionInfoJson(const VersionInfo& info);

}  // namespace gitlab
