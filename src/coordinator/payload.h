#pragma once
// BuildJobPayload: the 201 body of POST /jobs/request, built as GitLab's
// Ci::BuildRunnerPresenter + Entities::Ci::JobRequest::Response build it.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coordinator/records.h"
#include "util/clock.h"

namespace coordinator {

struct PayloadContext {
  const JobRecord* job = nullptr;        // REQUIRES: token and pipeline_id set
  const RunnerRecord* runner = nullptr;  // the runner being given the job
  std::string base_url;                  // e.g. "http://127.0.0.1:8080"
  std::string repo_url;                  // clone URL without credentials
  std::string server_version = "18.4.0";
  int64_t timeout_seconds = 3600;        // effective job timeout
  nlohmann::json dependencies = nlohmann::json::array();  // resolved payload entries
  std::vector<std::string> token_mask_prefixes;
  double time_in_queue_seconds = 0;
  int64_t queue_size = 0;
  util::Time now{};
};

nlohmann::json BuildJobPayload(const PayloadContext& ctx);

// The predefined CI/CD variables GitLab sends before the job's own ones.
nlohmann::json PredefinedVariables(const PayloadContext& ctx);

// "https://host/p.git" → "https://gitlab-ci-token:<token>@host/p.git".
std::string CredentialedUrl(const std::string& url, const std::string& token);
// GitLab's slug: lowercase, [^a-z0-9] → '-', at most 63 chars, no leading/trailing '-'.
std::string Slugify(const std::string& s);
// "2024-05-01T12:00:00Z".
std::string Iso8601(util::Time t);

}  // namespace coordinator
