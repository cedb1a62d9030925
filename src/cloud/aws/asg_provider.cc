#include "cloud/aws/asg_provider.h"

#include <spdlog/spdlog.h>

#include <set>

#include "cloud/aws/aws_provider.h"
#include "cloud/aws/interruption_probe.h"
#include "cloud/aws/tags.h"

namespace cloud::aws {

InstanceState StateFromLifecycle(const std::string& s) {
  if (s == "InService") return InstanceState::kRunning;
  if (s.rfind("Pending", 0) == 0 || s.rfind("Warmed:Pending", 0) == 0) return InstanceState::kCreating;
  if (s == "Terminated" || s == "Detached") return InstanceState::kDeleted;
  return InstanceState::kDeleting;  // Terminating*, Detaching, Standby, Quarantined, ...
}

AsgProvider::AsgProvider(AwsSettings settings, std::string ssh_private_key_pem, AutoScalingClient& asg,
                         Ec2Client& ec2, const util::Clock& clock, util::Duration min_list_interval)
    : settings_(std::move(settings)),
      key_pem_(std::move(ssh_private_key_pem)),
      asg_(asg),
      ec2_(ec2),
      clock_(clock),
      min_list_interval_(min_list_interval) {}

util::Status AsgProvider::Refresh(bool force) {
  util::Time now = clock_.Now();
  // Forced refreshes (Connect to an instance not seen running yet) are limited too, so the
  // calls per minute stay bounded however many instances boot at once.
  util::Duration interval = force ? std::min<util::Duration>(min_list_interval_, std::chrono::seconds(2)) : min_list_interval_;
  if (listed_once_ && now - last_list_ < interval) return util::Status::Ok();
  auto group = asg_.DescribeGroup(settings_.asg_name);
  if (!group.ok()) return group.status();
  auto described = ec2_.DescribeInstances({{"tag:" + std::string(kAsgNameTag), {settings_.asg_name}},
                                           {"instance-state-name", {"pending", "running"}}});
  if (!described.ok()) return described.status();
  std::set<std::string> members;
  for (const auto& i : group->instances) members.insert(i.id);
  for (const auto& old : group_.instances)
    if (!members.count(old.id)) events_.push_back(ProviderEvent{ProviderEvent::Kind::kGone, old.id, now, now});
  group_ = std::move(*group);
  ec2_view_.clear();
  for (auto& i : *described) ec2_view_[i.id] = std::move(i);
  last_list_ = now;
  listed_once_ = true;
  return util::Status::Ok();
}

util::Result<std::vector<InstanceInfo>> AsgProvider::List() {
  SR_RETURN_IF_ERROR(Refresh(false));
  std::vector<InstanceInfo> out;
  for (const auto& i : group_.instances) {
    InstanceInfo info{i.id, StateFromLifecycle(i.lifecycle_state), {}};
    if (i.health_status == "Unhealthy" && info.state == InstanceState::kRunning) info.state = InstanceState::kDeleting;
    if (auto it = ec2_view_.find(i.id); it != ec2_view_.end()) {
      info.launched = it->second.launch_time;
      if (info.state == InstanceState::kRunning && it->second.state != "running") info.state = InstanceState::kCreating;
    } else if (info.state == InstanceState::kRunning) {
      info.state = InstanceState::kCreating;  // not visible in EC2 yet: no address to reach it
    }
    out.push_back(info);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

util::Result<int> AsgProvider::Increase(int n) {
  if (n <= 0) return util::Status::InvalidArgument("aws: Increase needs n > 0");
  SR_RETURN_IF_ERROR(Refresh(true));
  int target = std::min(group_.desired + n, group_.max_size);
  int granted = target - group_.desired;
  if (granted <= 0)
    return util::Status::ResourceExhausted("Auto Scaling group " + settings_.asg_name + " is at its MaxSize " +
                                           std::to_string(group_.max_size));
  SR_RETURN_IF_ERROR(asg_.SetDesiredCapacity(settings_.asg_name, target));
  group_.desired = target;
  return granted;
}

util::Result<std::vector<std::string>> AsgProvider::Decrease(const std::vector<std::string>& ids) {
  std::set<std::string> members;
  for (const auto& i : group_.instances)
    if (StateFromLifecycle(i.lifecycle_state) != InstanceState::kDeleting) members.insert(i.id);
  std::vector<std::string> done;
  util::Status first_error = util::Status::Ok();
  for (const auto& id : ids) {
    if (!members.count(id)) {
      done.push_back(id);
      continue;
    }
    // Never below MinSize: the group would launch a replacement instead of shrinking.
    bool decrement = group_.desired > group_.min_size;
    util::Status s = asg_.TerminateInstance(id, decrement);
    if (!s.ok() && asg_.query().last_error().code == "ValidationError" &&
        asg_.query().last_error().message.find("not found") != std::string::npos) {
      done.push_back(id);  // already left the group
      continue;
    }
    if (!s.ok()) {
      if (first_error.ok()) first_error = s;
      continue;
    }
    if (decrement) --group_.desired;
    done.push_back(id);
  }
  if (done.empty() && !first_error.ok()) return first_error;
  return done;
}

util::Result<ConnectInfo> AsgProvider::Connect(const std::string& id) {
  auto it = ec2_view_.find(id);
  if (it == ec2_view_.end() || it->second.state != "running") {
    SR_RETURN_IF_ERROR(Refresh(true));
    it = ec2_view_.find(id);
  }
  if (it == ec2_view_.end()) return util::Status::NotFound("aws: instance " + id + " is not in group " + settings_.asg_name);
  return ConnectInfoFor(it->second, settings_, key_pem_);
}

std::vector<ProviderEvent> AsgProvider::TakeEvents() { return std::exchange(events_, {}); }

std::string AsgProvider::InstanceProbeCommand() const { return InterruptionProbeCommand(); }

bool AsgProvider::OnInstanceProbe(const std::string& id, const std::string& output, util::Time now) {
  std::optional<ProviderEvent> notice = ParseProbeOutput(id, output, now);
  if (!notice || !noticed_.insert(id).second) return false;
  spdlog::warn("aws: group member {} has a spot interruption notice; it takes no more jobs", id);
  events_.push_back(*notice);
  return true;
}

}  // namespace cloud::aws
