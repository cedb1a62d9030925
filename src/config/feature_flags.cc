#include "config/feature_flags.h"

#include <array>

namespace config {
namespace {

struct Flag {
  std::string_view name;
  // The value spotrunner behaves as; nullopt = it honours both values.
  std::optional<bool> behaves_as;
  std::string_view why;  // what spotrunner does instead
};

// The flags users set most, decided one by one.
constexpr std::array<Flag, 6> kDecided = {{
    {"FF_NETWORK_PER_BUILD", std::nullopt, ""},
    {"FF_MASK_ALL_DEFAULT_TOKENS", true, "token prefixes are always masked"},
    {"FF_USE_FASTZIP", std::nullopt, ""},  // see below: named whichever value is set
    {"FF_SCRIPT_SECTIONS", std::nullopt, ""},
    {"FF_TIMESTAMPS", std::nullopt, ""},
    {"FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR", std::nullopt, ""},  // see below: true is half honoured
}};

// The rest of gitlab-runner 19.4's flags: spotrunner has none of their behaviours.
constexpr std::string_view kOthers[] = {
    "FF_USE_LEGACY_KUBERNETES_EXECUTION_STRATEGY", "FF_USE_DIRECT_DOWNLOAD", "FF_ENABLE_BASH_EXIT_CODE_CHECK",
    "FF_USE_WINDOWS_LEGACY_PROCESS_STRATEGY", "FF_USE_LEGACY_BASH_EVAL", "FF_USE_POWERSHELL_PATH_RESOLVER",
    "FF_USE_DYNAMIC_TRACE_FORCE_SEND_INTERVAL", "FF_ENABLE_JOB_CLEANUP", "FF_KUBERNETES_HONOR_ENTRYPOINT",
    "FF_POSIXLY_CORRECT_ESCAPES", "FF_RESOLVE_FULL_TLS_CHAIN", "FF_DISABLE_POWERSHELL_STDIN",
    "FF_USE_POD_ACTIVE_DEADLINE_SECONDS", "FF_USE_ADVANCED_POD_SPEC_CONFIGURATION",
    "FF_SECRET_RESOLVING_FAILS_IF_MISSING", "FF_PRINT_POD_EVENTS", "FF_USE_GIT_BUNDLE_URIS",
    "FF_USE_GIT_NATIVE_CLONE", "FF_USE_DUMB_INIT_WITH_KUBERNETES_EXECUTOR", "FF_USE_INIT_WITH_DOCKER_EXECUTOR",
    "FF_LOG_IMAGES_CONFIGURED_FOR_JOB", "FF_USE_DOCKER_AUTOSCALER_DIAL_STDIO", "FF_CLEAN_UP_FAILED_CACHE_EXTRACT",
    "FF_USE_WINDOWS_JOB_OBJECT", "FF_DISABLE_AUTOMATIC_TOKEN_ROTATION", "FF_USE_LEGACY_GCS_CACHE_ADAPTER",
    "FF_DISABLE_UMASK_FOR_KUBERNETES_EXECUTOR", "FF_USE_LEGACY_S3_CACHE_ADAPTER", "FF_GIT_URLS_WITHOUT_TOKENS",
    "FF_WAIT_FOR_POD_TO_BE_REACHABLE", "FF_EXPORT_HIGH_CARDINALITY_METRICS", "FF_USE_FLEETING_ACQUIRE_HEARTBEATS",
    "FF_USE_EXPONENTIAL_BACKOFF_STAGE_RETRY", "FF_USE_ADAPTIVE_REQUEST_CONCURRENCY", "FF_USE_GITALY_CORRELATION_ID",
    "FF_USE_GIT_PROACTIVE_AUTH", "FF_HASH_CACHE_KEYS", "FF_ENABLE_JOB_INPUTS_INTERPOLATION", "FF_USE_JOB_ROUTER",
    "FF_SCRIPT_TO_STEP_MIGRATION", "FF_USE_PARALLEL_CACHE_TRANSFER", "FF_USE_PARALLEL_ARTIFACT_TRANSFER",
    "FF_CONCRETE", "FF_SUSPENDABLE_ENVIRONMENTS", "FF_USE_NATIVE_CONTAINER_STOP", "FF_TEST_FEATURE"};

}  // namespace

std::optional<std::string> FeatureFlagProblem(std::string_view name, bool value) {
  if (name == "FF_USE_FASTZIP") {
    return std::string("is not supported by spotrunner (its own archiver is always used, with the compression "
                       "levels); ignored");
  }
  if (name == "FF_DISABLE_UMASK_FOR_DOCKER_EXECUTOR" && value) {
    // umask 0000 is dropped; gitlab-runner then also gives the sources to the job image's
    // user, which spotrunner does not do.
    return std::string("= true drops umask 0000 but spotrunner does not change the owner of the sources to the job "
                       "image's user");
  }
  for (const Flag& f : kDecided) {
    if (f.name != name) continue;
    if (!f.behaves_as || *f.behaves_as == value) return std::nullopt;
    return "= " + std::string(value ? "true" : "false") + " is not supported by spotrunner (" + std::string(f.why) +
           "); ignored";
  }
  for (std::string_view o : kOthers) {
    if (o == name) return std::string("is not supported by spotrunner; ignored");
  }
  return std::string("is not a gitlab-runner feature flag; ignored");
}

}  // namespace config
