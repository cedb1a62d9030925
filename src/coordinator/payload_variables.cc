// PredefinedVariables: the CI/CD variables GitLab puts first in variables[]
// (Ci::Build#variables: predefined, project, pipeline, job, runner...).
#include <ctime>

#include "coordinator/payload.h"

namespace coordinator {
namespace {

using nlohmann::json;

struct HostParts {
  std::string protocol, host, port;
};

HostParts SplitUrl(const std::string& url) {
  HostParts h;
  auto s = url.find("://");
  h.protocol = s == std::string::npos ? "http" : url.substr(0, s);
  std::string rest = s == std::string::npos ? url : url.substr(s + 3);
  rest = rest.substr(0, rest.find('/'));
  auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    h.host = rest.substr(0, colon);
    h.port = rest.substr(colon + 1);
  } else {
    h.host = rest;
    h.port = h.protocol == "https" ? "443" : "80";
  }
  return h;
}

std::string VersionPart(const std::string& v, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) {
    start = v.find('.', start);
    if (start == std::string::npos) return "0";
    ++start;
  }
  return v.substr(start, v.find('.', start) - start);
}

std::string TagsJson(const std::vector<std::string>& tags) {
  std::string out = "[";
  for (size_t i = 0; i < tags.size(); ++i) out += (i ? ", " : "") + json(tags[i]).dump();
  return out + "]";
}

}  // namespace

std::string Iso8601(util::Time t) {
  std::time_t secs = static_cast<std::time_t>(util::UnixSeconds(t));
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

json PredefinedVariables(const PayloadContext& ctx) {
  const JobRecord& job = *ctx.job;
  const JobSpec& spec = job.spec;
  const RunnerRecord& runner = *ctx.runner;
  const HostParts host = SplitUrl(ctx.base_url);
  const std::string project_url = ctx.base_url + "/" + spec.project_path;
  const std::string ns = spec.project_path.substr(0, spec.project_path.rfind('/'));
  const std::string name = spec.project_path.substr(spec.project_path.rfind('/') + 1);
  const std::string job_id = std::to_string(job.id);
  const std::string pipeline_id = std::to_string(job.pipeline_id);

  json vars = json::array();
  auto add = [&](const std::string& k, const std::string& v, bool pub = true, bool masked = false) {
    vars.push_back({{"key", k}, {"value", v}, {"public", pub}, {"masked", masked}});
  };
  add("CI_PIPELINE_ID", pipeline_id);
  add("CI_PIPELINE_URL", project_url + "/-/pipelines/" + pipeline_id);
  add("CI_JOB_ID", job_id);
  add("CI_JOB_URL", project_url + "/-/jobs/" + job_id);
  add("CI_JOB_TOKEN", job.token, false, true);
  add("CI_JOB_STARTED_AT", Iso8601(ctx.now));
  add("CI_REGISTRY_USER", "gitlab-ci-token");
  add("CI_REGISTRY_PASSWORD", job.token, false, true);
  add("CI_REPOSITORY_URL", CredentialedUrl(ctx.repo_url, job.token), false);
  add("CI_DEPENDENCY_PROXY_USER", "gitlab-ci-token");
  add("CI_DEPENDENCY_PROXY_PASSWORD", job.token, false, true);
  add("CI_JOB_NAME", spec.name);
  add("CI_JOB_NAME_SLUG", Slugify(spec.name));
  add("CI_JOB_STAGE", spec.stage);
  add("CI_NODE_TOTAL", "1");
  add("CI", "true");
  add("GITLAB_CI", "true");
  add("CI_SERVER_URL", ctx.base_url);
  add("CI_SERVER_HOST", host.host);
  add("CI_SERVER_PORT", host.port);
  add("CI_SERVER_PROTOCOL", host.protocol);
  add("CI_SERVER_SHELL_SSH_HOST", host.host);
  add("CI_SERVER_SHELL_SSH_PORT", "22");
  add("CI_SERVER_NAME", "GitLab");
  add("CI_SERVER_VERSION", ctx.server_version);
  add("CI_SERVER_VERSION_MAJOR", VersionPart(ctx.server_version, 0));
  add("CI_SERVER_VERSION_MINOR", VersionPart(ctx.server_version, 1));
  add("CI_SERVER_VERSION_PATCH", VersionPart(ctx.server_version, 2));
  add("CI_SERVER_REVISION", "spotrunner");
  add("GITLAB_FEATURES", "");
  add("CI_PROJECT_ID", std::to_string(spec.project_id));
  add("CI_PROJECT_NAME", name);
  add("CI_PROJECT_TITLE", name);
  add("CI_PROJECT_DESCRIPTION", "");
  add("CI_PROJECT_PATH", spec.project_path);
  add("CI_PROJECT_PATH_SLUG", Slugify(spec.project_path));
  add("CI_PROJECT_NAMESPACE", ns);
  add("CI_PROJECT_NAMESPACE_SLUG", Slugify(ns));
  add("CI_PROJECT_ROOT_NAMESPACE", ns.substr(0, ns.find('/')));
  add("CI_PROJECT_URL", project_url);
  add("CI_PROJECT_VISIBILITY", "private");
  add("CI_PROJECT_REPOSITORY_LANGUAGES", "");
  add("CI_PROJECT_CLASSIFICATION_LABEL", "");
  add("CI_DEFAULT_BRANCH", "main");
  add("CI_CONFIG_PATH", ".gitlab-ci.yml");
  add("CI_PAGES_DOMAIN", "example.com");
  add("CI_PAGES_URL", "http://" + ns + ".example.com/" + name);
  add("CI_API_V4_URL", ctx.base_url + "/api/v4");
  add("CI_API_GRAPHQL_URL", ctx.base_url + "/api/graphql");
  add("CI_PIPELINE_IID", pipeline_id);
  add("CI_PIPELINE_SOURCE", "push");
  add("CI_PIPELINE_CREATED_AT", Iso8601(job.queued_at));
  add("CI_COMMIT_SHA", spec.git.sha);
  add("CI_COMMIT_SHORT_SHA", spec.git.sha.substr(0, 8));
  add("CI_COMMIT_BEFORE_SHA", spec.git.before_sha);
  add("CI_COMMIT_REF_NAME", spec.git.ref);
  add("CI_COMMIT_REF_SLUG", Slugify(spec.git.ref));
  if (spec.git.ref_type == "tag") add("CI_COMMIT_TAG", spec.git.ref);
  else add("CI_COMMIT_BRANCH", spec.git.ref);
  add("CI_COMMIT_REF_PROTECTED", spec.git.protected_ref ? "true" : "false");
  add("CI_RUNNER_ID", std::to_string(runner.id));
  add("CI_RUNNER_DESCRIPTION", runner.description);
  add("CI_RUNNER_TAGS", TagsJson(runner.tags));
  add("GITLAB_USER_ID", "1");
  add("GITLAB_USER_EMAIL", "admin@example.com");
  add("GITLAB_USER_LOGIN", "root");
  add("GITLAB_USER_NAME", "Administrator");
  return vars;
}

}  // namespace coordinator
