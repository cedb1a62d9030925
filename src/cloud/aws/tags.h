#pragma once
// The tags that make an instance ours. Every instance the AWS provider launches carries
// kFleetTag = <fleet name> from its first moment (tags are part of the launch request,
// never added afterwards), so a restarted manager finds exactly its own instances by the
// filter tag:<kFleetTag>=<fleet name>, and IAM can limit terminate rights to them.
// Several managers may run one config.toml (GitLab tells them apart by system_id): each
// also tags its instances kManagerTag = <its system_id> and lists only those, so none
// removes or adopts another's; a restarted manager (same system_id) finds its own.
namespace cloud::aws {

inline constexpr char kFleetTag[] = "spotrunner:fleet";
inline constexpr char kManagerTag[] = "spotrunner:manager";
// "spot" or "on-demand": how the instance was bought (reports and cost accounting).
inline constexpr char kMarketTag[] = "spotrunner:market";
// The tag Auto Scaling puts on the instances of a group.
inline constexpr char kAsgNameTag[] = "aws:autoscaling:groupName";

}  // namespace cloud::aws
