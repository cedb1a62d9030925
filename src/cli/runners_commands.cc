#include "cli/runners_commands.h"

#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>

#include "cli/common.h"
#include "config/system_id.h"
#include "config/write.h"
#include "gitlab/client.h"
#include "gitlab/token.h"
#include "manager/job_launcher.h"
#include "util/clock.h"

namespace cli {

namespace {

struct VerifyOptions {
  std::string config = DefaultConfigPath();
  std::string name;
  bool remove = false;
};

struct UnregisterOptions {
  std::string config = DefaultConfigPath();
  std::string name;
  std::string url;
  std::string token;
  bool all = false;
};

int RunVerify(const VerifyOptions& o) {
  auto cfg = LoadConfigForEdit(o.config);
  if (!cfg.ok()) return Fail(cfg.status());
  auto system_id = config::LoadOrCreateSystemId(o.config);
  if (!system_id.ok()) return Fail(system_id.status());
  std::vector<config::RunnerConfig> keep;
  int failed = 0;
  for (const auto& r : cfg->runners) {
    if (!o.name.empty() && r.name != o.name) {
      keep.push_back(r);
      continue;
    }
    gitlab::Client client(r.url, {}, util::SystemClock::Get());
    auto v = client.VerifyRunner(r.token, *system_id, manager::RunnerVersionInfo(r));
    std::string who = "runner=" + gitlab::ShortToken(r.token);
    if (v.ok()) {
      std::cout << "Verifying runner... is valid                        " << who << "\n";
      keep.push_back(r);
    } else if (v.status().code() == util::Status::Code::kPermissionDenied) {
      std::cout << "Verifying runner... is removed                      " << who << "\n";
      ++failed;
      if (!o.remove) keep.push_back(r);
    } else {
      std::cout << "Verifying runner... failed: " << v.status().message() << "  " << who << "\n";
      ++failed;
      keep.push_back(r);
    }
  }
  if (o.remove && keep.size() != cfg->runners.size()) {
    cfg->runners = keep;
    util::Status s = config::WriteConfigFile(o.config, *cfg);
    if (!s.ok()) return Fail(s);
    std::cout << "Updated " << o.config << "\n";
  }
  return failed == 0 || o.remove ? kExitOk : kExitFailure;
}

int RunUnregister(const UnregisterOptions& o) {
  if (!o.all && o.name.empty() && (o.url.empty() || o.token.empty())) {
    return Fail(util::Status::InvalidArgument("say which runner: --name, --url with --token, or --all-runners"));
  }
  auto cfg = LoadConfigForEdit(o.config);
  if (!cfg.ok()) return Fail(cfg.status());
  auto system_id = config::LoadOrCreateSystemId(o.config);
  if (!system_id.ok()) return Fail(system_id.status());
  std::vector<config::RunnerConfig> keep;
  bool matched = false;
  int failed = 0;
  for (const auto& r : cfg->runners) {
    bool match = o.all || (!o.name.empty() && r.name == o.name) || (!o.token.empty() && r.token == o.token && r.url == o.url);
    if (!match) {
      keep.push_back(r);
      continue;
    }
    matched = true;
    gitlab::Client client(r.url, {}, util::SystemClock::Get());
    util::Status s = gitlab::IsCreatedRunnerToken(r.token) ? client.UnregisterManager(r.token, *system_id)
                                                           : client.UnregisterRunner(r.token);
    if (s.ok()) {
      std::cout << "Unregistering runner from GitLab succeeded        runner=" << gitlab::ShortToken(r.token) << "\n";
    } else {
      std::cout << "Unregistering runner from GitLab failed: " << s.message()
                << "  runner=" << gitlab::ShortToken(r.token) << "\n";
      ++failed;
      keep.push_back(r);
    }
  }
  if (!matched && !o.all) {
    // Not in config.toml, but --url and --token name a runner GitLab may still know.
    if (!o.url.empty() && !o.token.empty()) {
      gitlab::Client client(o.url, {}, util::SystemClock::Get());
      util::Status s = gitlab::IsCreatedRunnerToken(o.token) ? client.UnregisterManager(o.token, *system_id)
                                                             : client.UnregisterRunner(o.token);
      if (!s.ok()) return Fail(s);
      std::cout << "Unregistering runner from GitLab succeeded\n";
      return kExitOk;
    }
    return Fail(util::Status::NotFound("no runner named \"" + o.name + "\" in " + o.config));
  }
  cfg->runners = keep;
  util::Status s = config::WriteConfigFile(o.config, *cfg);
  if (!s.ok()) return Fail(s);
  std::cout << "Updated " << o.config << "\n";
  return failed == 0 ? kExitOk : kExitFailure;
}

}  // namespace

void AddVerifyCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* c = app.add_subcommand("verify", "Check that the registered runners' tokens are valid");
  c->add_option("-c,--config", o->config, "Config file")->envname("CONFIG_FILE")->capture_default_str();
  c->add_option("-n,--name", o->name, "Name of the runner to verify");
  c->add_flag("--delete", o->remove, "Remove runners that GitLab no longer knows from config.toml");
  c->callback([o, &exit_code] { exit_code = RunVerify(*o); });
}

void AddUnregisterCommand(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<UnregisterOptions>();
  CLI::App* c = app.add_subcommand("unregister", "Unregister a runner from GitLab and remove it from config.toml");
  c->add_option("-c,--config", o->config, "Config file")->envname("CONFIG_FILE")->capture_default_str();
  c->add_option("-n,--name", o->name, "Name of the runner to unregister");
  c->add_option("-u,--url", o->url, "GitLab instance URL")->envname("CI_SERVER_URL");
  c->add_option("-t,--token", o->token, "Runner's authentication token")->envname("CI_SERVER_TOKEN");
  c->add_flag("--all-runners", o->all, "Unregister every runner in config.toml");
  c->callback([o, &exit_code] { exit_code = RunUnregister(*o); });
}

void AddListCommand(CLI::App& app, int& exit_code) {
  auto path = std::make_shared<std::string>(DefaultConfigPath());
  CLI::App* c = app.add_subcommand("list", "List the runners in config.toml");
  c->add_option("-c,--config", *path, "Config file")->envname("CONFIG_FILE")->capture_default_str();
  c->callback([path, &exit_code] {
    auto cfg = LoadConfigForEdit(*path);
    if (!cfg.ok()) {
      exit_code = Fail(cfg.status());
      return;
    }
    std::cout << "Listing configured runners                          ConfigFile=" << *path << "\n";
    for (const auto& r : cfg->runners) {
      std::cout << r.name << "  Executor=" << r.executor << " Token=" << gitlab::ShortToken(r.token)
                << " URL=" << r.url << "\n";
    }
    exit_code = kExitOk;
  });
}

}  // namespace cli
