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
  // The key the manager reaches instances with; never logged. "" = read
  // settings.ssh_key_path, or (EC2 mode, no path) make a fresh per-fleet ed25519 pair.
  std::string private_key_pem;
  std::string public_key;      // installed through cloud-init user data ("" = none)
  std::string user_data_part;  // "" = read settings.userdata_file (if any)
};

// kInvalidArgument for settings that cannot work (bad region, EC2 mode without an AMI or a
// launch template, an unreadable ssh_key_path or userdata file). Without a private key and
// a key path, EC2 mode makes the fleet's own key pair here: instances get its public half
// through user data (user_data.h), merged with the user's userdata; so an amazonec2 config
// without keypair-name works. (With a launch template, the template's user data applies:
// CreateFleet takes none.) Makes no AWS call: credentials are looked up on the first call
// that needs them. `clock` must outlive the provider.
util::Result<std::unique_ptr<Provider>> NewAwsProvider(const AwsSettings& settings, AwsProviderKeys keys,
                                                       const util::Clock& clock);

}  // namespace cloud::aws
