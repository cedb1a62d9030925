#pragma once
// Builds a ready AWS provider (EC2 mode or Auto Scaling group mode) from AwsSettings: the
// credential chain, the HTTP client, the EC2 / Auto Scaling clients and the provider, all
// owned by the returned object. The one place that wires the AWS pieces together.
#include <memory>
#include <string>

#include "cloud/aws/aws_settings.h"
#include "cloud/provider.h"
#include "util/clock.h"

namespace cloud::aws {

struct AwsProviderKeys {
  std::string private_key_pem;  // never logged; "" = read settings.ssh_key_path
  std::string public_key;       // installed through cloud-init user data
};

// kInvalidArgument for settings that cannot work (bad region, EC2 mode without an AMI or a
// launch template, an unreadable ssh_key_path). Makes no AWS call: credentials are looked
// up on the first call that needs them. `clock` must outlive the provider.
util::Result<std::unique_ptr<Provider>> NewAwsProvider(const AwsSettings& settings, AwsProviderKeys keys,
                                                       const util::Clock& clock);

}  // namespace cloud::aws
