#include "cloud/aws/aws_factory.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <random>
#include <sstream>

#include "cloud/aws/asg_provider.h"
#include "cloud/aws/aws_provider.h"
#include "connect/ssh/ssh_keys.h"

namespace cloud::aws {
namespace {

// Owns the whole stack and forwards to the provider at its top.
class OwnedProvider final : public Provider {
 public:
  OwnedProvider(const AwsSettings& s, AwsProviderKeys keys, const util::Clock& clock)
      : chain_(ChainOptions(s), http_imds_, clock),
        ec2_query_(QueryEndpoint{"EC2", s.endpoint.empty() ? DefaultEndpoint("ec2", s.region) : s.endpoint, "ec2",
                                 s.region, "2016-11-15"},
                   chain_, http_, clock),
        ec2_(ec2_query_) {
    if (s.asg_mode()) {
      asg_query_ = std::make_unique<QueryClient>(
          QueryEndpoint{"Auto Scaling",
                        s.autoscaling_endpoint.empty() ? DefaultEndpoint("autoscaling", s.region) : s.autoscaling_endpoint,
                        "autoscaling", s.region, "2011-01-01"},
          chain_, http_, clock);
      asg_ = std::make_unique<AutoScalingClient>(*asg_query_);
      impl_ = std::make_unique<AsgProvider>(s, keys.private_key_pem, *asg_, ec2_, clock);
    } else {
      AwsProviderOptions o;
      o.settings = s;
      o.ssh_private_key_pem = std::move(keys.private_key_pem);
      o.ssh_public_key = std::move(keys.public_key);
      o.user_data_part = std::move(keys.user_data_part);
      o.seed = std::random_device{}();
      impl_ = std::make_unique<AwsProvider>(std::move(o), ec2_, clock);
    }
  }

  util::Result<std::vector<InstanceInfo>> List() override { return impl_->List(); }
  util::Result<int> Increase(int n) override { return impl_->Increase(n); }
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override {
    return impl_->Decrease(ids);
  }
  util::Result<ConnectInfo> Connect(const std::string& id) override { return impl_->Connect(id); }
  std::vector<ProviderEvent> TakeEvents() override { return impl_->TakeEvents(); }
  std::string InstanceProbeCommand() const override { return impl_->InstanceProbeCommand(); }
  bool OnInstanceProbe(const std::string& id, const std::string& output, util::Time now) override {
    return impl_->OnInstanceProbe(id, output, now);
  }

 private:
  static CredentialChainOptions ChainOptions(const AwsSettings& s) {
    CredentialChainOptions o;
    o.profile = s.profile;
    o.config_file = s.config_file;
    o.credentials_file = s.credentials_file;
    o.access_key = s.access_key;
    o.secret_key = s.secret_key;
    o.session_token = s.session_token;
    return o;
  }

  util::HttpClient http_, http_imds_;
  CredentialChain chain_;
  QueryClient ec2_query_;
  Ec2Client ec2_;
  std::unique_ptr<QueryClient> asg_query_;
  std::unique_ptr<AutoScalingClient> asg_;
  std::unique_ptr<Provider> impl_;
};

util::Result<std::string> ReadWhole(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return util::Status::InvalidArgument(std::string("aws: cannot read ") + what + " " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

util::Result<std::unique_ptr<Provider>> NewAwsProvider(const AwsSettings& settings, AwsProviderKeys keys,
                                                       const util::Clock& clock) {
  SR_RETURN_IF_ERROR(Validate(settings));
  if (keys.private_key_pem.empty() && !settings.ssh_key_path.empty()) {
    auto pem = ReadWhole(settings.ssh_key_path, "ssh key");
    if (!pem.ok()) return pem.status();
    keys.private_key_pem = std::move(*pem);
    // A key of our own (not an EC2 key pair's, not one the image already trusts) goes
    // to the instances through user data, as the per-fleet key does.
    if (!settings.asg_mode() && settings.keypair_name.empty() && !settings.use_static_credentials) {
      auto pub = connect::PublicLineOf(keys.private_key_pem, "spotrunner-" + settings.fleet_name);
      if (!pub.ok()) return pub.status().WithContext("aws: ssh key " + settings.ssh_key_path);
      keys.public_key = std::move(*pub);
    }
  }
  if (!settings.asg_mode() && !settings.userdata_file.empty()) {
    auto part = ReadWhole(settings.userdata_file, "user data file");
    if (!part.ok()) return part.status();
    keys.user_data_part = std::move(*part);
  }
  if (!settings.asg_mode() && keys.private_key_pem.empty() && !settings.use_static_credentials) {
    // The per-fleet key: made now, put on every instance through cloud-init user data.
    auto kp = connect::GenerateKeyPair("spotrunner-" + settings.fleet_name);
    if (!kp.ok()) return kp.status().WithContext("aws: fleet " + settings.fleet_name + ": SSH key");
    keys.private_key_pem = std::move(kp->private_pem);
    keys.public_key = std::move(kp->public_line);
  }
  if (settings.asg_mode() && keys.private_key_pem.empty())
    spdlog::warn("aws: fleet {} has no SSH key for the instances of group {} (set ssh_key_path to the private key "
                 "its launch template installs): they will not be reachable", settings.fleet_name, settings.asg_name);
  return std::unique_ptr<Provider>(std::make_unique<OwnedProvider>(settings, std::move(keys), clock));
}

}  // namespace cloud::aws
