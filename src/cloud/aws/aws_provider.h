#pragma once
// cloud::aws::AwsProvider: a cloud::Provider on EC2 (see cloud/provider.h for the contract).
//
// Ownership: every instance is launched with the tag spotrunner:fleet=<fleet name> in the
// launch request itself (tags at launch: no instance ever exists untagged), and List() asks
// EC2 only for instances carrying that tag, so a restarted manager adopts exactly what it
// owns; Decrease() terminates only ids that List()/Increase() showed to be ours.
//
// Without an AMI (and a launch template), the first Increase finds the region's current
// Ubuntu LTS image (ami_lookup.h) and keeps it. For docker executors the user data also
// installs and configures the Docker Engine (engine_user_data.h).
//
// Increase(n), without a launch template: spot first, pool by pool (instance type × subnet,
// in the configured order), one RunInstances(MinCount=1, MaxCount=remaining) per pool tried;
// a pool answering InsufficientInstanceCapacity, SpotMaxPriceTooLow, Unsupported... is
// skipped for 5 minutes and the next one is tried; MaxSpotInstanceCountExceeded ends the
// spot round. Then the same on-demand for the shortfall when on_demand_fallback is set.
// With a launch template: one CreateFleet instant (spot, price-capacity-optimized over all
// pools) and, for a shortfall, one on-demand CreateFleet. The number of calls depends on
// the number of pools, never on n.
//
// List(): one DescribeInstances (pages of 1000) at most every `min_list_interval` (every
// `list_interval_when_expecting` while an instance is booting, shutting down or noticed);
// earlier calls return the previous answer, so API calls per minute do not grow with the
// fleet.
// Instances that vanish or end up terminated (spot reclaim: Server.SpotInstanceTermination)
// become kGone events; notices read on the instance (ReportNotice) become
// kInterruptionNotice events.
//
// Not thread-safe (the caller serializes, as provider.h says).
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "cloud/aws/aws_settings.h"
#include "cloud/aws/ec2_client.h"
#include "cloud/aws/user_data.h"
#include "cloud/provider.h"

namespace cloud::aws {

struct AwsProviderOptions {
  AwsSettings settings;
  // The key the manager reaches instances with: the private half goes into ConnectInfo,
  // the public half into cloud-init user data (unless settings.keypair_name is used).
  std::string ssh_private_key_pem;  // never logged
  std::string ssh_public_key;       // "ssh-ed25519 AAAA... spotrunner"
  // The user's own user data (the contents of settings.userdata_file, read by the
  // factory), merged with the cloud-config that installs ssh_public_key (user_data.h).
  std::string user_data_part;
  util::Duration pool_cooldown = std::chrono::minutes(5);
  util::Duration min_list_interval = std::chrono::seconds(10);
  // While an instance is expected to change (pending, shutting down, or with a spot
  // notice), List() asks EC2 at most this often instead (fleeting's
  // update_interval_when_expecting). Still one call whatever the fleet size.
  util::Duration list_interval_when_expecting = std::chrono::seconds(2);
  uint32_t seed = 1;  // client tokens
};

class AwsProvider final : public Provider {
 public:
  // `ec2` and `clock` are borrowed and must outlive the provider.
  AwsProvider(AwsProviderOptions options, Ec2Client& ec2, const util::Clock& clock);

  util::Result<std::vector<InstanceInfo>> List() override;
  util::Result<int> Increase(int n) override;
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override;
  util::Result<ConnectInfo> Connect(const std::string& id) override;
  std::vector<ProviderEvent> TakeEvents() override;

  // Queues a kInterruptionNotice read on the instance (interruption_probe.h), once per
  // instance; returns false when one was already queued for that id.
  bool ReportNotice(const ProviderEvent& notice);
  // Provider hooks: the spot notice probe (interruption_probe.h) and its output.
  std::string InstanceProbeCommand() const override;
  bool OnInstanceProbe(const std::string& id, const std::string& output, util::Time now) override;

  // The tags every instance of this fleet is launched with (market = "spot"|"on-demand").
  std::map<std::string, std::string> LaunchTags(const std::string& market) const;
  // The cloud-init user data (base64) that installs the manager's public key, merged with
  // the user's own; "" when there is neither. Each RunInstances call adds a host key of
  // its own to it (LaunchUserData), so this is the part every launch shares.
  const std::string& UserDataBase64() const { return user_data_base64_; }
  // The user data (base64) of one RunInstances call: the above plus a freshly generated
  // SSH host key (cloud-init `ssh_keys`), whose public half goes to `*host_public`.
  util::Result<std::string> LaunchUserData(std::string* host_public) const;

 private:
  struct Pool {
    std::string instance_type;
    std::string subnet_id;
    std::string zone;
    std::string Name() const;
  };

  util::Result<int> LaunchRound(int n, bool spot);
  // The user data with `host_key` (none: empty): the user's part, ours, the Engine, the switch.
  util::Result<std::string> UserData(const HostKey& host_key) const;
  // No AMI configured: finds the region's Ubuntu LTS image once (ami_lookup.h) and logs it.
  util::Status ResolveAmi();
  util::Result<int> FleetRound(int n, bool spot);
  void Remember(const std::vector<Ec2Instance>& launched);
  std::string NextClientToken();
  util::Status Refresh(bool force);

  AwsProviderOptions options_;
  Ec2Client& ec2_;
  const util::Clock& clock_;
  std::vector<Pool> pools_;
  std::map<std::string, util::Time> pool_cooling_until_;  // pool name → time
  std::map<std::string, Ec2Instance> instances_;  // ours, by id (last view + launches since)
  // The host key each instance launched by RunInstances was given (its public line):
  // the only key Connect() lets the connection accept.
  std::map<std::string, std::string> host_keys_;
  std::set<std::string> noticed_;                 // ids with a queued interruption notice
  std::vector<ProviderEvent> events_;
  util::Time last_list_{};
  bool listed_once_ = false;
  std::mt19937_64 rng_;
  std::string ami_;  // configured, or found by ResolveAmi
  std::string user_data_base64_;
  util::Status user_data_error_;  // !ok: the user data cannot be built; launches fail with it
  uint64_t token_counter_ = 0;
};

// Maps an EC2 instance state name to the provider's state.
InstanceState StateFromEc2(const std::string& state);
// ConnectInfo for an EC2 instance under the settings' address rules.
util::Result<ConnectInfo> ConnectInfoFor(const Ec2Instance& i, const AwsSettings& s, const std::string& key_pem);

}  // namespace cloud::aws
