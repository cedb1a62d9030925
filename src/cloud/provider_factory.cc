#include "cloud/provider_factory.h"

#include "cloud/aws/aws_factory.h"
#include "cloud/local/local_provider.h"

namespace cloud {

util::Result<std::unique_ptr<Provider>> NewProvider(const config::RunnerConfig& runner, const std::string& manager_id) {
  const std::string& plugin = runner.autoscaler.plugin;
  const auto dead_man = std::chrono::duration_cast<std::chrono::seconds>(runner.autoscaler.dead_man_switch_timeout);
  const std::string where = "runner \"" + runner.name + "\"";
  if (plugin == "local") {
    auto opts = local::ParseLocalOptions(runner.autoscaler.plugin_config_json, where,
                                         runner.executor.rfind("docker", 0) == 0);
    if (!opts.ok()) return opts.status();
    opts->manager = manager_id;
    opts->dead_man_timeout = dead_man;
    auto p = local::LocalProvider::Create(*opts);
    if (!p.ok()) return p.status().WithContext(where);
    return std::unique_ptr<Provider>(std::move(*p));
  }
  if (aws::IsAwsPluginName(plugin) ||
      (runner.executor == "docker+machine" && runner.machine.machine_driver == "amazonec2")) {
    auto settings = aws::SettingsForRunner(runner);  // amazonec2 MachineOptions or plugin_config
    if (!settings.ok()) return settings.status();
    settings->manager_id = manager_id;
    settings->dead_man_timeout = dead_man;
    auto p = aws::NewAwsProvider(*settings, {}, util::SystemClock::Get());
    if (!p.ok()) return p.status().WithContext(where);
    return std::move(*p);
  }
  return util::Status::InvalidArgument(where + ": [runners.autoscaler] plugin \"" + plugin +
                                       "\" is unknown (known: local, aws, fleeting-plugin-aws)");
}

}  // namespace cloud
