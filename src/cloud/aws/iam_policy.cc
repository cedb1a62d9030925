#include "cloud/aws/iam_policy.h"

#include <nlohmann/json.hpp>

#include "cloud/aws/tags.h"

namespace cloud::aws {

std::string IamPolicyJson(const AwsSettings& s, const std::string& fleet_tag_value) {
  using J = nlohmann::ordered_json;
  const std::string partition = s.region.rfind("cn-", 0) == 0       ? "aws-cn"
                                : s.region.rfind("us-gov-", 0) == 0 ? "aws-us-gov"
                                                                    : "aws";
  const std::string ec2_arn = "arn:" + partition + ":ec2:" + s.region + ":*:";
  J statements = J::array();
  auto statement = [&](const std::string& sid, std::vector<std::string> actions, J resources, J condition = J()) {
    J st = {{"Sid", sid}, {"Effect", "Allow"}, {"Action", actions}, {"Resource", resources}};
    if (!condition.is_null()) st["Condition"] = condition;
    statements.push_back(st);
  };
  if (s.asg_mode()) {
    statement("DescribeGroupAndInstances", {"autoscaling:DescribeAutoScalingGroups", "ec2:DescribeInstances"}, "*");
    statement("ScaleTheGroup", {"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"},
              "arn:" + partition + ":autoscaling:" + s.region + ":*:autoScalingGroup:*:autoScalingGroupName/" +
                  s.asg_name);
    statement("PushSshKeyToGroupInstances", {"ec2-instance-connect:SendSSHPublicKey"}, ec2_arn + "instance/*",
              J{{"StringEquals", {{std::string("aws:ResourceTag/") + kAsgNameTag, s.asg_name}}}});
  } else {
    std::vector<std::string> describe = {"ec2:DescribeInstances", "ec2:DescribeSpotPriceHistory"};
    if (s.ami.empty() && s.launch_template.empty()) describe.push_back("ec2:DescribeImages");  // ami_lookup.h
    statement("Describe", describe, "*");
    J tagged_request = {{"StringEquals", {{std::string("aws:RequestTag/") + kFleetTag, fleet_tag_value}}}};
    std::vector<std::string> launch = {"ec2:RunInstances"};
    if (!s.launch_template.empty()) launch.push_back("ec2:CreateFleet");
    statement("LaunchOnlyTaggedInstances", launch, J::array({ec2_arn + "instance/*", ec2_arn + "volume/*"}),
              tagged_request);
    J others = J::array({"arn:" + partition + ":ec2:" + s.region + "::image/*", ec2_arn + "subnet/*",
                         ec2_arn + "security-group/*", ec2_arn + "network-interface/*", ec2_arn + "key-pair/*"});
    if (!s.launch_template.empty()) {
      others.push_back(ec2_arn + "launch-template/*");
      others.push_back(ec2_arn + "fleet/*");
    }
    if (s.spot) others.push_back(ec2_arn + "spot-instances-request/*");
    statement("LaunchWithTheseResources", launch, others);
    J create_actions = J::array({"RunInstances"});
    if (!s.launch_template.empty()) create_actions.push_back("CreateFleet");
    statement("TagAtLaunchOnly", {"ec2:CreateTags"}, J::array({ec2_arn + "instance/*", ec2_arn + "volume/*"}),
              J{{"StringEquals", {{"ec2:CreateAction", create_actions}}}});
    statement("ManageOwnInstancesOnly", {"ec2:TerminateInstances", "ec2:CreateTags"}, ec2_arn + "instance/*",
              J{{"StringEquals", {{std::string("aws:ResourceTag/") + kFleetTag, fleet_tag_value}}}});
    if (!s.iam_instance_profile.empty())
      statement("PassInstanceRole", {"iam:PassRole"}, "arn:" + partition + ":iam::*:role/*",
                J{{"StringEquals", {{"iam:PassedToService", "ec2.amazonaws.com"}}}});
  }
  J policy = {{"Version", "2012-10-17"}, {"Statement", statements}};
  return policy.dump(2) + "\n";
}

}  // namespace cloud::aws
