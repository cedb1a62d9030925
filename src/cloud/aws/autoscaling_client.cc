#include "cloud/aws/autoscaling_client.h"

#include <cstdlib>

namespace cloud::aws {

util::Result<AsgGroup> AutoScalingClient::DescribeGroup(const std::string& name) {
  auto doc = query_.Call("DescribeAutoScalingGroups", {{"AutoScalingGroupNames.member.1", name}});
  if (!doc.ok()) return doc.status();
  pugi::xml_node groups = Path((*doc)->document_element(), "DescribeAutoScalingGroupsResult/AutoScalingGroups");
  pugi::xml_node g = Child(groups, "member");
  if (!g) return util::Status::NotFound("Auto Scaling group \"" + name + "\" does not exist in this region");
  AsgGroup out;
  out.name = ChildText(g, "AutoScalingGroupName");
  out.min_size = std::atoi(ChildText(g, "MinSize").c_str());
  out.max_size = std::atoi(ChildText(g, "MaxSize").c_str());
  out.desired = std::atoi(ChildText(g, "DesiredCapacity").c_str());
  for (pugi::xml_node m = Child(Child(g, "Instances"), "member"); m; m = m.next_sibling()) {
    if (m.type() != pugi::node_element) continue;
    out.instances.push_back({ChildText(m, "InstanceId"), ChildText(m, "LifecycleState"), ChildText(m, "HealthStatus"),
                             ChildText(m, "AvailabilityZone"), ChildText(m, "InstanceType")});
  }
  return out;
}

util::Status AutoScalingClient::SetDesiredCapacity(const std::string& name, int desired) {
  auto doc = query_.Call("SetDesiredCapacity", {{"AutoScalingGroupName", name},
                                                {"DesiredCapacity", std::to_string(desired)},
                                                {"HonorCooldown", "false"}});
  return doc.ok() ? util::Status::Ok() : doc.status();
}

util::Status AutoScalingClient::TerminateInstance(const std::string& instance_id, bool decrement) {
  auto doc = query_.Call("TerminateInstanceInAutoScalingGroup",
                         {{"InstanceId", instance_id}, {"ShouldDecrementDesiredCapacity", decrement ? "true" : "false"}});
  return doc.ok() ? util::Status::Ok() : doc.status();
}

}  // namespace cloud::aws
