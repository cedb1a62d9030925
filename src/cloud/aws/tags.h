#pragma once
// The tags that make an instance ours. Every instance the AWS provider launches carries
// kFleetTag = <fleet name> from its first moment (tags are part of the launch request,
// never added afterwards), so a restarted manager finds exactly its own instances by the
// filter tag:<kFleetTag>=<fleet name>, and IAM can limit terminate rights to them.
namespace cloud::aws {

inline constexpr char kFleetTag[] = "spotrunner:fleet";
// "spot" or "on-demand": how the instance was bought (reports and cost accounting).
inline constexpr char kMarketTag[] = "spotrunner:market";
// The tag Auto Scaling puts on the instances of a group.
inline constexpr char kAsgNameTag[] = "aws:autoscaling:groupName";

}  // namespace cloud::aws
