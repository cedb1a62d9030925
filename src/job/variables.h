#pragma once
// The variables a job sees (§8.2) and their expansion. The list is built, in increasing
// precedence, from: known feature-flag defaults, the runner block before the job's
// variables, the job's `variables[]`, the runner block after them. The last definition
// of a key wins.
//
// Expansion (as os.Expand in gitlab-runner): `$VAR` and `${VAR}` are replaced with the
// variable's expanded value (unknown → empty), `$$` → `$`; a value with `raw` is never
// expanded; a reference to a file variable gives its file path
// (RUNNER_TEMP_PROJECT_DIR/<KEY>, i.e. "<project dir>.tmp/<KEY>").
//
// Thread safety: immutable after Build except Set; concurrent const use is safe.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "gitlab/job_payload.h"

namespace job {

using Variable = gitlab::JobVariable;

// What the runner knows about where and how the job runs.
struct RunnerContext {
  std::string short_token;       // CI_RUNNER_SHORT_TOKEN
  std::string builds_dir;        // CI_BUILDS_DIR, as the scripts see it
  std::string project_dir;       // CI_PROJECT_DIR, as the scripts see it
  int concurrent_id = 0;         // CI_CONCURRENT_ID
  int concurrent_project_id = 0; // CI_CONCURRENT_PROJECT_ID
  bool shared_environment = false;  // CI_SHARED_ENVIRONMENT vs CI_DISPOSABLE_ENVIRONMENT
  std::string runner_version;    // CI_RUNNER_VERSION
  std::string runner_revision;   // CI_RUNNER_REVISION
  std::string executable_arch;   // CI_RUNNER_EXECUTABLE_ARCH, e.g. "linux/amd64"
  // The content of [[runners]] tls-ca-file ("" = none): the file variable
  // CI_SERVER_TLS_CA_FILE, which git (http.<server>.sslCAInfo) and the helper trust.
  std::string tls_ca_pem;
};

// gitlab-runner's default timeout when runner_info.timeout is 0.
inline constexpr int64_t kDefaultJobTimeoutSeconds = 7200;

// Parses a boolean as Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False.
std::optional<bool> ParseGoBool(std::string_view s);

class JobVariables {
 public:
  JobVariables() = default;
  // The full list for `job` run by `runner` in `ctx`.
  static JobVariables Build(const gitlab::JobPayload& job, const config::RunnerConfig& runner,
                            const RunnerContext& ctx);

  // Appends (overrides) one definition, e.g. CI_JOB_STATUS before after_script.
  void Set(Variable v);
  void Set(std::string key, std::string value) { Set(Variable{std::move(key), std::move(value), true}); }

  // Every definition in order, duplicates included.
  const std::vector<Variable>& All() const { return all_; }
  // One entry per key (the last definition, at the position of that definition) with its
  // value expanded (file variables: their content, expanded unless raw).
  std::vector<Variable> Resolved() const;

  // The expanded value of `key` (a file variable's path), or nullopt when undefined.
  std::optional<std::string> Get(std::string_view key) const;
  std::string GetOr(std::string_view key, std::string_view fallback) const;
  // Get parsed with ParseGoBool; `fallback` when undefined, empty or unparsable.
  bool GetBool(std::string_view key, bool fallback) const;
  // Expands `$VAR`, `${VAR}` and `$$` in `text` with these variables.
  std::string Expand(std::string_view text) const;

  // RUNNER_TEMP_PROJECT_DIR ("<project dir>.tmp") and a file variable's path in it.
  std::string TempDir() const;
  std::string FilePath(std::string_view key) const;

  // Values to mask: the raw and expanded values of every masked variable, plus
  // `extra_secrets_` (the job token). Not deduplicated; the Masker does that.
  std::vector<std::string> MaskedValues() const;

 private:
  const Variable* Find(std::string_view key) const;
  std::string ExpandDepth(std::string_view text, int depth) const;
  std::string ValueOf(const Variable& v, int depth) const;

  std::vector<Variable> all_;
  std::vector<std::string> extra_secrets_;
};

}  // namespace job
