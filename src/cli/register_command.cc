#include "cli/register_command.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/common.h"
#include "config/system_id.h"
#include "config/write.h"
#include "gitlab/client.h"
#include "gitlab/token.h"
#include "manager/job_launcher.h"
#include "util/clock.h"

namespace cli {

namespace {

const char* const kExecutors = "shell, docker, docker+machine, docker-autoscaler, instance";

bool KnownExecutor(const std::string& e) {
  return e == "shell" || e == "docker" || e == "docker+machine" || e == "docker-autoscaler" || e == "instance";
}

bool IsDockerExecutor(const std::string& e) {
  return e == "docker" || e == "docker+machine" || e == "docker-autoscaler";
}

std::string Trim(std::string s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "spotrunner";
  return buf;
}

std::string RfcTime(util::Time t) {
  auto secs = std::chrono::floor<std::chrono::seconds>(t);
  std::time_t tt = std::chrono::system_clock::to_time_t(secs);
  std::tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::vector<std::string> SplitTags(const std::string& list) {
  std::vector<std::string> tags;
  std::stringstream ss(list);
  std::string t;
  while (std::getline(ss, t, ',')) {
    t = Trim(t);
    if (!t.empty()) tags.push_back(t);
  }
  return tags;
}

// Asks like gitlab-runner: the prompt, then "[current]: " when there is a value; an empty
// answer keeps the current value; a required value is asked again until given.
class Prompter {
 public:
  Prompter(bool non_interactive, std::istream& in, std::ostream& out)
      : non_interactive_(non_interactive), in_(in), out_(out) {}

  util::Result<std::string> Ask(const std::string& key, const std::string& prompt, std::string current,
                                bool allow_empty = false) {
    current = Trim(current);
    if (non_interactive_) {
      if (current.empty() && !allow_empty) return util::Status::InvalidArgument("the " + key + " needs to be entered");
      return current;
    }
    for (;;) {
      out_ << prompt << "\n";
      if (!current.empty()) out_ << "[" << current << "]: ";
      out_.flush();
      std::string line;
      if (!std::getline(in_, line)) {
        return util::Status::InvalidArgument("no answer for the " + key + " (end of input); did you mean to use --non-interactive?");
      }
      line = Trim(line);
      if (!line.empty()) return line;
      if (allow_empty || !current.empty()) return current;
    }
  }

 private:
  bool non_interactive_;
  std::istream& in_;
  std::ostream& out_;
};

}  // namespace

int RunRegister(RegisterOptions o, std::istream& in, std::ostream& out) {
  if (!o.access_level.empty() && o.access_level != "not_protected" && o.access_level != "ref_protected") {
    return Fail(util::Status::InvalidArgument("--access-level must be not_protected or ref_protected"));
  }
  auto cfg = LoadConfigForEdit(o.config);
  if (!cfg.ok()) return Fail(cfg.status());
  auto system_id = config::LoadOrCreateSystemId(o.config);
  if (!system_id.ok()) return Fail(system_id.status());

  Prompter ask(o.non_interactive, in, out);
  config::RunnerConfig r;
  auto url = ask.Ask("url", "Enter the GitLab instance URL (for example, https://gitlab.com/):", o.url);
  if (!url.ok()) return Fail(url.status());
  r.url = *url;
  gitlab::Client client(r.url, {}, util::SystemClock::Get());
  if (!client.url_status().ok()) return Fail(client.url_status());

  std::string token = !o.token.empty() ? o.token : o.registration_token;
  if (token.empty() || !gitlab::IsCreatedRunnerToken(token)) {
    auto t = ask.Ask("registration-token", "Enter the registration token:", token);
    if (!t.ok()) return Fail(t.status());
    token = *t;
  }
  if (o.name.empty()) o.name = Hostname();
  gitlab::VersionInfo info = gitlab::DefaultVersionInfo();
  bool created_token = gitlab::IsCreatedRunnerToken(token);
  if (!created_token) {
    auto name = ask.Ask("name", "Enter a description for the runner:", o.name);
    if (!name.ok()) return Fail(name.status());
    auto tags = ask.Ask("tag-list", "Enter tags for the runner (comma-separated):", o.tag_list, true);
    if (!tags.ok()) return Fail(tags.status());
    auto note = ask.Ask("maintenance-note", "Enter optional maintenance note for the runner:", o.maintenance_note, true);
    if (!note.ok()) return Fail(note.status());
    gitlab::RegisterParams p;
    p.registration_token = token;
    p.description = *name;
    p.maintenance_note = *note;
    p.tags = SplitTags(*tags);
    p.run_untagged = o.run_untagged || p.tags.empty();
    p.locked = o.locked;
    p.paused = o.paused;
    p.access_level = o.access_level;
    p.maximum_timeout = o.maximum_timeout;
    p.info = info;
    auto creds = client.RegisterRunner(p);
    if (!creds.ok()) return Fail(creds.status().WithContext("registering the runner"));
    r.name = *name;
    r.id = creds->id;
    r.token = creds->token;
    r.token_obtained_at = RfcTime(creds->token_obtained_at);
    r.token_expires_at = creds->token_expires_at;
  } else {
    if (!o.tag_list.empty() || o.run_untagged || !o.locked || o.paused || !o.access_level.empty() ||
        o.maximum_timeout != 0 || !o.maintenance_note.empty()) {
      return Fail(util::Status::InvalidArgument(
          "runner configuration other than name and executor configuration is reserved (--locked, "
          "--access-level, --run-untagged, --maximum-timeout, --paused, --tag-list, --maintenance-note) "
          "and cannot be given with a runner authentication token; set it on the GitLab server"));
    }
    auto creds = client.VerifyRunner(token, *system_id, info);
    if (!creds.ok()) return Fail(creds.status().WithContext("verifying the runner"));
    if (creds->id == 0) return Fail(util::Status::FailedPrecondition("failed to verify the runner: GitLab returned no runner id"));
    auto name = ask.Ask("name", "Enter a name for the runner. This is stored only in the local config.toml file:", o.name);
    if (!name.ok()) return Fail(name.status());
    r.name = *name;
    r.id = creds->id;
    r.token = token;
    r.token_obtained_at = RfcTime(creds->token_obtained_at);
    r.token_expires_at = creds->token_expires_at;
  }
  auto undo = [&] {
    if (o.leave_runner) return;
    util::Status s = created_token ? client.UnregisterManager(r.token, *system_id) : client.UnregisterRunner(r.token);
    if (!s.ok()) spdlog::warn("could not remove the runner from GitLab again: {}", s.message());
  };

  std::string executor = o.executor;
  for (;;) {
    auto e = ask.Ask("executor", std::string("Enter an executor: ") + kExecutors + ":", executor);
    if (!e.ok()) {
      undo();
      return Fail(e.status());
    }
    if (KnownExecutor(*e)) {
      executor = *e;
      break;
    }
    if (o.non_interactive) {
      undo();
      return Fail(util::Status::InvalidArgument("invalid executor \"" + *e + "\"; spotrunner runs " + kExecutors));
    }
    out << "ERROR: Invalid executor specified\n";
    executor.clear();
  }
  r.executor = executor;
  r.shell = o.shell;
  r.builds_dir = o.builds_dir;
  r.cache_dir = o.cache_dir;
  r.tls_ca_file = o.tls_ca_file;
  if (o.limit > 0) r.limit = o.limit;
  if (o.request_concurrency > 0) r.request_concurrency = o.request_concurrency;
  if (o.output_limit > 0) r.output_limit = o.output_limit;
  if (IsDockerExecutor(executor)) {
    auto image = ask.Ask("docker-image", "Enter the default Docker image (for example, ruby:3.3):", o.docker_image);
    if (!image.ok()) {
      undo();
      return Fail(image.status());
    }
    r.has_docker = true;
    r.docker.image = *image;
    if (!o.docker_pull_policy.empty()) r.docker.pull_policy = {o.docker_pull_policy};
    r.docker.volumes.push_back("/cache");
  }
  cfg->runners.push_back(r);
  if (cfg->concurrent <= 0) cfg->concurrent = 1;
  util::Status s = config::WriteConfigFile(o.config, *cfg);
  if (!s.ok()) {
    undo();
    return Fail(s);
  }
  if (cfg->concurrent < r.limit) {
    spdlog::warn("The specified runner job concurrency limit ({}) is larger than current global concurrency limit "
                 "({}). The global concurrent limit will not be increased and takes precedence.",
                 r.limit, cfg->concurrent);
  }
  out << "Runner registered successfully. Feel free to start it, but if it's running already the config should "
         "be automatically reloaded!\n";
  out << "Configuration (with the authentication token) was saved in \"" << o.config << "\"\n";
  return kExitOk;
}

void AddRegisterCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<RegisterOptions>();
  o->config = DefaultConfigPath();
  CLI::App* c = app.add_subcommand("register", "Register a new runner with GitLab and add it to config.toml");
  c->add_option("-c,--config", o->config, "Config file")->envname("CONFIG_FILE")->capture_default_str();
  c->add_flag("-n,--non-interactive", o->non_interactive, "Run registration unattended")->envname("REGISTER_NON_INTERACTIVE");
  c->add_flag("--leave-runner", o->leave_runner, "Don't remove the runner if registration fails")->envname("REGISTER_LEAVE_RUNNER");
  c->add_option("-u,--url", o->url, "GitLab instance URL")->envname("CI_SERVER_URL");
  c->add_option("-r,--registration-token", o->registration_token, "Runner's registration token (legacy)")->envname("REGISTRATION_TOKEN");
  c->add_option("-t,--token", o->token, "Runner's authentication token (glrt-...)")->envname("CI_SERVER_TOKEN");
  c->add_option("--name,--description", o->name, "Runner name")->envname("RUNNER_NAME");
  c->add_option("--tag-list", o->tag_list, "Tag list")->envname("RUNNER_TAG_LIST");
  c->add_flag("--run-untagged", o->run_untagged, "Run untagged jobs; defaults to true when tag-list is empty")->envname("REGISTER_RUN_UNTAGGED");
  c->add_flag("--locked", o->locked, "Lock the runner to the current project; defaults to true")->envname("REGISTER_LOCKED");
  c->add_flag("--paused", o->paused, "Register the runner paused")->envname("REGISTER_PAUSED");
  c->add_option("--access-level", o->access_level, "not_protected or ref_protected")->envname("REGISTER_ACCESS_LEVEL");
  c->add_option("--maximum-timeout", o->maximum_timeout, "Maximum job timeout in seconds")->envname("REGISTER_MAXIMUM_TIMEOUT");
  c->add_option("--maintenance-note", o->maintenance_note, "Runner's maintenance note")->envname("REGISTER_MAINTENANCE_NOTE");
  c->add_option("--executor", o->executor, std::string("Executor: ") + kExecutors)->envname("RUNNER_EXECUTOR");
  c->add_option("--shell", o->shell, "Shell for the shell executor (bash, sh)")->envname("RUNNER_SHELL");
  c->add_option("--builds-dir", o->builds_dir, "Directory where builds are stored")->envname("RUNNER_BUILDS_DIR");
  c->add_option("--cache-dir", o->cache_dir, "Directory where the local cache is stored")->envname("RUNNER_CACHE_DIR");
  c->add_option("--tls-ca-file", o->tls_ca_file, "CA bundle to verify GitLab")->envname("CI_SERVER_TLS_CA_FILE");
  c->add_option("--docker-image", o->docker_image, "Default Docker image")->envname("DOCKER_IMAGE");
  c->add_option("--docker-pull-policy", o->docker_pull_policy, "always, if-not-present or never")->envname("DOCKER_PULL_POLICY");
  c->add_option("--limit", o->limit, "Maximum concurrent jobs of this runner (0 = unlimited)")->envname("RUNNER_LIMIT");
  c->add_option("--request-concurrency", o->request_concurrency, "Maximum concurrent job requests")->envname("RUNNER_REQUEST_CONCURRENCY");
  c->add_option("--output-limit", o->output_limit, "Maximum job log size in KiB")->envname("RUNNER_OUTPUT_LIMIT");
  c->callback([o, &exit_code] { exit_code = RunRegister(*o, std::cin, std::cout); });
}

}  // namespace cli
