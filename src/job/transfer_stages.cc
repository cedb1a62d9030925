#include "job/transfer_stages.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "cache/cache_key.h"
#include "cache/credential_source.h"
#include "cache/object_name.h"

namespace job {
namespace {

std::string Cmd(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + ShellQuote(w);
  return out;
}

std::string Policy(const TransferContext& c, const gitlab::Cache& entry) {
  std::string p = c.vars->Expand(entry.policy);
  return p.empty() ? "pull-push" : p;
}

bool WhenMatches(std::string when, bool job_succeeded) {
  if (when.empty()) when = "on_success";
  return when == "always" || (when == "on_success" && job_succeeded) || (when == "on_failure" && !job_succeeded);
}

std::string Key(const TransferContext& c, const gitlab::Cache& entry) {
  return cache::EffectiveKey(c.vars->Expand(entry.key), c.job->job_info.name, c.job->git_info.ref);
}

std::string Timeout(const TransferContext& c) {
  std::string t = c.vars->GetOr("CACHE_REQUEST_TIMEOUT", "10");
  return std::atoi(t.c_str()) > 0 ? std::to_string(std::atoi(t.c_str())) : "10";
}

// The extractor call for one key, or a warning line when no URL can be made.
void ExtractOne(const TransferContext& c, ShellWriter& w, const std::string& key, bool first) {
  std::string local = cache::LocalArchivePath(c.cache_dir, c.project_path, key);
  std::vector<std::string> cmd = {c.helper, "helper", "cache-extractor", "--file", local, "--timeout", Timeout(c)};
  if (c.s3) {
    auto object = cache::ObjectName(c.runner->cache, c.short_token, c.job->job_info.project_id, key);
    if (!object.ok()) {
      w.Line("echo " + ShellQuote("WARNING: " + object.status().message()));
      return;
    }
    auto url = c.s3->Get(*object, c.url_lifetime);
    if (!url.ok()) {
      w.Line("echo " + ShellQuote("WARNING: Failed to make the cache download URL: " + url.status().message()));
      return;
    }
    cmd.push_back("--url");
    cmd.push_back(url->url);
  }
  if (!first) w.Line("if [ -z \"$sr_cache_hit\" ]; then");
  w.Notice((first ? "Checking cache for " : "Checking cache for fallback key ") + key + "...");
  w.Line("if " + Cmd(cmd) + "; then sr_cache_hit=1; fi");
  if (!first) w.Line("fi");
}

}  // namespace

TransferSetup::TransferSetup(const gitlab::JobPayload& job, const JobVariables& vars,
                             const config::RunnerConfig& runner, const std::string& executor_name,
                             const std::string& builds_root, const std::string& short_token,
                             const std::string& project_path, int64_t job_timeout_seconds, const util::Clock& clock) {
  ctx.job = &job;
  ctx.vars = &vars;
  ctx.runner = &runner;
  ctx.helper = HelperProgram(executor_name);
  ctx.cache_dir = CacheDir(runner, executor_name, builds_root);
  ctx.project_path = project_path;
  ctx.short_token = short_token;
  ctx.url_lifetime = std::chrono::seconds(job_timeout_seconds > 0 ? job_timeout_seconds : 3600);
  if (runner.cache.type == "s3") {
    auto source = cache::MakeCredentialSource(runner.cache.s3, clock);
    auto p = source.ok() ? cache::S3Presigner::Create(runner.cache.s3, std::move(*source), clock)
                         : util::Result<cache::S3Presigner>(source.status());
    if (p.ok()) {
      s3.emplace(std::move(*p));
      ctx.s3 = &*s3;
    } else {
      warning = "The S3 cache is not usable, using the local cache: " + p.status().message();
    }
  } else if (!runner.cache.type.empty() && runner.cache.type != "local") {
    warning = "Cache type \"" + runner.cache.type + "\" is not supported, using the local cache";
  }
}

std::optional<ScriptBody> RestoreCacheBody(const TransferContext& c) {
  if (c.job->cache.empty()) return std::nullopt;
  return [c](ShellWriter& w) {
    for (const gitlab::Cache& entry : c.job->cache) {
      std::string key = Key(c, entry);
      std::string policy = Policy(c, entry);
      if (key.empty()) {
        w.Line("echo " + ShellQuote("Skipping cache extraction due to empty cache key"));
        continue;
      }
      if (policy == "push") {
        w.Line("echo " + ShellQuote("Not downloading cache " + key + " due to policy"));
        continue;
      }
      w.Line("sr_cache_hit=");
      ExtractOne(c, w, key, true);
      for (const std::string& fk : entry.fallback_keys) {
        std::string k = cache::SanitizeKey(c.vars->Expand(fk));
        if (!k.empty()) ExtractOne(c, w, k, false);
      }
      if (auto env = c.vars->Get("CACHE_FALLBACK_KEY"); env && !env->empty()) {
        // Judged on the sanitised key, the one the extractor would be given.
        std::string k = cache::SanitizeKey(*env);
        if (cache::IsProtectedFallbackKey(k)) {
          w.Line("echo " + ShellQuote("WARNING: CACHE_FALLBACK_KEY \"" + *env +
                                      "\" not allowed to end in \"-protected\"; ignoring it"));
        } else if (!k.empty()) {
          ExtractOne(c, w, k, false);
        }
      }
    }
  };
}

std::optional<ScriptBody> ArchiveCacheBody(const TransferContext& c, bool job_succeeded) {
  bool any = false;
  for (const gitlab::Cache& e : c.job->cache) any = any || WhenMatches(e.when, job_succeeded);
  if (!any) return std::nullopt;
  return [c, job_succeeded](ShellWriter& w) {
    for (const gitlab::Cache& entry : c.job->cache) {
      if (!WhenMatches(entry.when, job_succeeded)) continue;
      std::string key = Key(c, entry);
      if (key.empty()) {
        w.Line("echo " + ShellQuote("Skipping cache archiving due to empty cache key"));
        continue;
      }
      if (Policy(c, entry) == "pull") {
        w.Line("echo " + ShellQuote("Not uploading cache " + key + " due to policy"));
        continue;
      }
      std::string local = cache::LocalArchivePath(c.cache_dir, c.project_path, key);
      std::vector<std::string> cmd = {c.helper, "helper", "cache-archiver", "--file", local, "--timeout", Timeout(c)};
      for (const auto& p : entry.paths) cmd.insert(cmd.end(), {"--path", c.vars->Expand(p)});
      if (entry.untracked) cmd.push_back("--untracked");
      if (c.s3) {
        auto object = cache::ObjectName(c.runner->cache, c.short_token, c.job->job_info.project_id, key);
        auto url = object.ok() ? c.s3->Put(*object, key, c.url_lifetime) : util::Result<cache::PresignedUrl>(object.status());
        if (!url.ok()) {
          w.Line("echo " + ShellQuote("WARNING: Failed to make the cache upload URL: " + url.status().message()));
          continue;
        }
        cmd.insert(cmd.end(), {"--url", url->url});
        for (const auto& [k, v] : url->headers) cmd.insert(cmd.end(), {"--header", k + ": " + v});
        if (c.runner->cache.max_uploaded_archive_size > 0) {
          cmd.insert(cmd.end(), {"--max-size", std::to_string(c.runner->cache.max_uploaded_archive_size)});
        }
      }
      w.Notice("Creating cache " + key + "...");
      w.Line(Cmd(cmd) + " || echo " + ShellQuote("WARNING: Failed to create cache"));
    }
  };
}

std::optional<ScriptBody> DownloadArtifactsBody(const TransferContext& c) {
  bool any = false;
  for (const auto& d : c.job->dependencies) any = any || !d.artifacts_filename.empty();
  if (!any) return std::nullopt;
  return [c](ShellWriter& w) {
    for (const gitlab::Dependency& d : c.job->dependencies) {
      if (d.artifacts_filename.empty()) continue;
      w.Notice("Downloading artifacts for " + d.name + " (" + std::to_string(d.id) + ")...");
      // The dependency's token reaches the helper through its environment, not argv.
      w.Line("CI_JOB_TOKEN=" + ShellQuote(d.token) + " " +
             Cmd({c.helper, "helper", "artifacts-downloader", "--id", std::to_string(d.id)}));
    }
  };
}

std::optional<ScriptBody> UploadArtifactsBody(const TransferContext& c, bool job_succeeded) {
  bool any = false;
  for (const auto& a : c.job->artifacts) any = any || WhenMatches(a.when, job_succeeded);
  if (!any) return std::nullopt;
  return [c, job_succeeded](ShellWriter& w) {
    w.Line("sr_upload_failed=");
    for (const gitlab::Artifact& a : c.job->artifacts) {
      if (!WhenMatches(a.when, job_succeeded)) continue;
      if (a.paths.empty() && !a.untracked) continue;
      std::vector<std::string> cmd = {c.helper, "helper", "artifacts-uploader", "--id", std::to_string(c.job->id)};
      for (const auto& p : a.paths) cmd.insert(cmd.end(), {"--path", c.vars->Expand(p)});
      for (const auto& p : a.exclude) cmd.insert(cmd.end(), {"--exclude", c.vars->Expand(p)});
      if (a.untracked) cmd.push_back("--untracked");
      cmd.insert(cmd.end(), {"--artifact-format", a.artifact_format.empty() ? "zip" : a.artifact_format});
      cmd.insert(cmd.end(), {"--artifact-type", a.artifact_type.empty() ? "archive" : a.artifact_type});
      if (!a.expire_in.empty()) cmd.insert(cmd.end(), {"--expire-in", a.expire_in});
      std::string name = c.vars->Expand(a.name);
      if (!name.empty()) cmd.insert(cmd.end(), {"--name", name});
      w.Notice("Uploading artifacts...");
      w.Line(Cmd(cmd) + " || sr_upload_failed=1");
    }
    w.Line("if [ -n \"$sr_upload_failed\" ]; then exit 1; fi");
  };
}

std::string HelperProgram(const std::string& executor_name) {
  if (executor_name == "docker") return "spotrunner";
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "spotrunner";
  if (self.filename() == "spotrunner") return self.string();
  std::filesystem::path beside = self.parent_path() / "spotrunner";
  if (access(beside.c_str(), X_OK) == 0) return beside.string();
  return "spotrunner";
}

std::string CacheDir(const config::RunnerConfig& runner, const std::string& executor_name,
                     const std::string& builds_root) {
  if (!runner.cache_dir.empty()) return runner.cache_dir;
  if (executor_name == "docker") return "/cache";
  std::filesystem::path b(builds_root);
  while (b.has_filename() == false && b.has_parent_path() && b != b.root_path()) b = b.parent_path();
  return (b.parent_path() / "cache").string();
}

}  // namespace job
