#include "cloud/aws/autoscaling_client.h"

#include <charconv>

namespace cloud::aws {
namespace {

// Group sizes far beyond any real group: the provider adds to them, so they stay small.
constexpr int kMaxGroupSize = 1000000;

// A size field of the group: a count 0..kMaxGroupSize, else an error naming the field
// (an answer that says otherwise is not one the provider can act on).
util::Status ReadSize(pugi::xml_node g, const char* field, const std::string& group, int* out) {
  std::string text = ChildText(g, field);
  int v = -1;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < 0 || v > kMaxGroupSize) {
    return util::Status::Internal("Auto Scaling DescribeAutoScalingGroups: group \"" + group + "\": " + field +
                                  " \"" + text.substr(0, 40) + "\" is not a size 0-" + std::to_string(kMaxGroupSize));
  }
  *out = v;
  return util::Status::Ok();
}

}  // namespace

util::Result<AsgGroup> AutoScalingClient::DescribeGroup(const std::string& name) {
  auto doc = query_.Call("DescribeAutoScalingGroups", {{"AutoScalingGroupNames.member.1", name}});
  if (!doc.ok()) return doc.status();
  pugi::xml_node groups = Path((*doc)->document_element(), "DescribeAutoScalingGroupsResult/AutoScalingGroups");
  pugi::xml_node g = Child(groups, "member");
  if (!g) return util::Status::NotFound("Auto Scaling group \"" + name + "\" does not exist in this region");
  AsgGroup out;
  out.name = ChildText(g, "AutoScalingGroupName");
  SR_RETURN_IF_ERROR(ReadSize(g, "MinSize", name, &out.min_size));
  SR_RETURN_IF_ERROR(ReadSize(g, "MaxSize", name, &out.max_size));
  SR_RETURN_IF_ERROR(ReadSize(g, "DesiredCapacity", name, &out.desired));
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
