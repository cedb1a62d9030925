#include "cli/aws_command.h"

#include <cstdio>
#include <memory>

#include "cli/common.h"
#include "cloud/aws/aws_settings.h"
#include "cloud/aws/iam_policy.h"
#include "cloud/aws/sigv4_suite.h"
#include "config/parse.h"

namespace cli {
namespace {

int RunSuite(const std::string& dir) {
  auto results = cloud::aws::RunSigV4Suite(dir);
  if (!results.ok()) return Fail(results.status());
  int passed = 0, failed = 0;
  for (const auto& r : *results) {
    if (r.passed) {
      ++passed;
      std::printf("PASS %s (%s)\n", r.name.c_str(), r.variant.c_str());
    } else {
      ++failed;
      std::printf("FAIL %s (%s): %s\n", r.name.c_str(), r.variant.c_str(), r.detail.c_str());
    }
  }
  std::printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? kExitOk : kExitFailure;
}

struct PolicyFlags {
  std::string config_path;
  std::string runner;
  std::string mode;  // "", "ec2", "asg"
  std::string region;
  std::string asg_name;
  std::string fleet_name;
};

int RunPolicy(const PolicyFlags& f) {
  cloud::aws::AwsSettings settings;
  bool from_config = !f.config_path.empty() || f.mode.empty();
  if (from_config) {
    std::string path = f.config_path.empty() ? DefaultConfigPath() : f.config_path;
    auto loaded = config::LoadConfigFile(path);
    if (!loaded.ok()) return Fail(loaded.status());
    util::Result<cloud::aws::AwsSettings> found =
        util::Status::NotFound(path + ": no [[runners]] entry uses AWS" +
                               (f.runner.empty() ? std::string() : " under the name \"" + f.runner + "\""));
    for (const auto& r : loaded->config.runners) {
      if (!f.runner.empty() && r.name != f.runner) continue;
      auto s = cloud::aws::SettingsForRunner(r);
      if (s.ok() || s.status().code() != util::Status::Code::kFailedPrecondition) {
        found = std::move(s);
        break;
      }
    }
    if (!found.ok()) return Fail(found.status());
    settings = *found;
  }
  if (!f.region.empty()) settings.region = f.region;
  if (!f.asg_name.empty()) settings.asg_name = f.asg_name;
  if (f.mode == "asg" && settings.asg_name.empty())
    return Fail(util::Status::InvalidArgument("--mode asg needs --asg-name (the Auto Scaling group)"));
  if (f.mode == "ec2") settings.asg_name.clear();
  if (!f.fleet_name.empty()) settings.fleet_name = f.fleet_name;
  if (settings.fleet_name.empty()) settings.fleet_name = "spotrunner";
  if (auto st = cloud::aws::Validate(settings); !st.ok()) return Fail(st);
  std::fputs(cloud::aws::IamPolicyJson(settings, settings.fleet_name).c_str(), stdout);
  return kExitOk;
}

}  // namespace

void AddAwsCommand(CLI::App& app, int& exit_code) {
  CLI::App* aws = app.add_subcommand("aws", "AWS provider tools (SigV4 vectors, IAM policy)");
  aws->require_subcommand(1);

  auto dir = std::make_shared<std::string>();
  CLI::App* suite = aws->add_subcommand("sigv4-test-suite", "Run every SigV4 test vector found in DIR");
  suite->add_option("dir", *dir, "Directory of vectors (aws4_testsuite or aws-signing-test-suite/v4 layout)")
      ->required();
  suite->callback([dir, &exit_code] { exit_code = RunSuite(*dir); });

  auto f = std::make_shared<PolicyFlags>();
  CLI::App* policy = aws->add_subcommand("iam-policy", "Print the least-privilege IAM policy the manager needs");
  policy->add_option("-c,--config", f->config_path, "config.toml to read the AWS settings from");
  policy->add_option("--runner", f->runner, "Name of the [[runners]] entry (default: the first using AWS)");
  policy->add_option("--mode", f->mode, "ec2 (instances launched by spotrunner) or asg (an Auto Scaling group); "
                                        "without it the settings of --config decide")
      ->check(CLI::IsMember({"ec2", "asg"}));
  policy->add_option("--region", f->region, "Region (overrides the config)");
  policy->add_option("--asg-name", f->asg_name, "Auto Scaling group name for --mode asg");
  policy->add_option("--fleet-name", f->fleet_name, "Value of the spotrunner:fleet ownership tag");
  policy->callback([f, &exit_code] { exit_code = RunPolicy(*f); });
}

}  // namespace cli
