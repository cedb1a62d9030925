#include "gitlab/runner_info.h"

#include "util/version.h"

namespace gitlab {

const char* BuildArchitecture() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__i386__)
  return "386";
#elif defined(__arm__)
  return "arm";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return "ppc64le";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

VersionInfo DefaultVersionInfo() {
  VersionInfo v;
  v.name = "spotrunner";
  v.version = util::kVersion;
  v.revision = util::kRevision;
  v.platform = "linux";
  v.architecture = BuildArchitecture();
  return v;
}

nlohmann::ordered_json FeaturesJson(const FeaturesInfo& f) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["variables"] = f.variables;
  j["image"] = f.image;
  j["services"] = f.services;
  j["artifacts"] = f.artifacts;
  j["cache"] = f.cache;
  j["fallback_cache_keys"] = f.fallback_cache_keys;
  j["shared"] = f.shared;
  j["upload_multiple_artifacts"] = f.upload_multiple_artifacts;
  j["upload_raw_artifacts"] = f.upload_raw_artifacts;
  j["session"] = f.session;
  j["terminal"] = f.terminal;
  j["refspecs"] = f.refspecs;
  j["masking"] = f.masking;
  j["proxy"] = f.proxy;
  j["raw_variables"] = f.raw_variables;
  j["artifacts_exclude"] = f.artifacts_exclude;
  j["multi_build_steps"] = f.multi_build_steps;
  j["trace_reset"] = f.trace_reset;
  j["trace_checksum"] = f.trace_checksum;
  j["trace_size"] = f.trace_size;
  j["vault_secrets"] = f.vault_secrets;
  j["cancelable"] = f.cancelable;
  j["return_exit_code"] = f.return_exit_code;
  j["service_variables"] = f.service_variables;
  j["service_multiple_aliases"] = f.service_multiple_aliases;
  j["image_executor_opts"] = f.image_executor_opts;
  j["service_executor_opts"] = f.service_executor_opts;
  j["cancel_gracefully"] = f.cancel_gracefully;
  j["native_steps_integration"] = f.native_steps_integration;
  j["two_phase_job_commit"] = f.two_phase_job_commit;
  j["job_inputs"] = f.job_inputs;
  return j;
}

nlohmann::ordered_json VersionInfoJson(const VersionInfo& info) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["name"] = info.name;
  j["version"] = info.version;
  j["revision"] = info.revision;
  j["platform"] = info.platform;
  j["architecture"] = info.architecture;
  j["executor"] = info.executor;
  if (!info.shell.empty()) j["shell"] = info.shell;
  j["features"] = FeaturesJson(info.features);
  j["config"] = {{"gpus", info.gpus}};
  if (!info.labels.empty()) j["labels"] = info.labels;
  return j;
}

}  // namespace gitlab
