#pragma once
// cloud::aws::AsgProvider: the Auto Scaling group mode (like GitLab's fleeting-plugin-aws):
// the group owns the instances and launches them from its own launch template; spotrunner
// only moves the desired capacity and removes chosen instances.
//  * List(): DescribeAutoScalingGroups (the members and their lifecycle states) plus one
//    DescribeInstances by the group's tag for addresses; at most every min_list_interval.
//  * Increase(n): SetDesiredCapacity(desired + n), capped at the group's MaxSize; the
//    grant is what fitted (0 at MaxSize → kResourceExhausted).
//  * Decrease(ids): TerminateInstanceInAutoScalingGroup(id, decrement) per member; ids not
//    in the group count as done.
//  * Spot notices: the same probe on the instance as AwsProvider (interruption_probe.h).
// Not thread-safe.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "cloud/aws/autoscaling_client.h"
#include "cloud/aws/aws_settings.h"
#include "cloud/aws/ec2_client.h"
#include "cloud/provider.h"

namespace cloud::aws {

class AsgProvider final : public Provider {
 public:
  AsgProvider(AwsSettings settings, std::string ssh_private_key_pem, AutoScalingClient& asg, Ec2Client& ec2,
              const util::Clock& clock, util::Duration min_list_interval = std::chrono::seconds(10));

  util::Result<std::vector<InstanceInfo>> List() override;
  util::Result<int> Increase(int n) override;
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override;
  util::Result<ConnectInfo> Connect(const std::string& id) override;
  std::vector<ProviderEvent> TakeEvents() override;
  std::string InstanceProbeCommand() const override;
  bool OnInstanceProbe(const std::string& id, const std::string& output, util::Time now) override;

 private:
  util::Status Refresh(bool force);

  AwsSettings settings_;
  std::string key_pem_;
  AutoScalingClient& asg_;
  Ec2Client& ec2_;
  const util::Clock& clock_;
  util::Duration min_list_interval_;
  AsgGroup group_;
  std::map<std::string, Ec2Instance> ec2_view_;
  std::vector<ProviderEvent> events_;
  std::set<std::string> noticed_;  // instances whose notice was reported
  util::Time last_list_{};
  bool listed_once_ = false;
};

// Auto Scaling lifecycle state → provider state.
InstanceState StateFromLifecycle(const std::string& lifecycle_state);

}  // namespace cloud::aws
