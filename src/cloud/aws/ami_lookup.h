#pragma once
// The image an instance boots when no AMI is configured: the region's current Ubuntu LTS
// server image from Canonical (what docker+machine's amazonec2 driver used), found with
// DescribeImages as Canonical documents it: owner 099720109477, names
// "ubuntu/images/hvm-ssd*/ubuntu-<codename>-<YY.04>-<amd64|arm64>-server-<date>".
// The highest LTS release wins (YY.04 with an even YY), then the newest CreationDate.
#include <string>
#include <vector>

#include "cloud/aws/ec2_client.h"
#include "util/status.h"

namespace cloud::aws {

inline constexpr char kCanonicalOwner[] = "099720109477";

// EC2's architecture of an instance type: "arm64" for Graviton families (a1, and those
// with a "g" after the generation digit: t4g, m7gd, c6gn, x2gd, im4gn...), else "x86_64".
std::string ArchitectureOf(const std::string& instance_type);

// The architecture the lookup uses: `configured` (connector_config arch) when set, else
// that of every instance type. kInvalidArgument when the types need different images.
util::Result<std::string> LookupArchitecture(const std::string& configured, const std::vector<std::string>& types);

// The Ubuntu LTS server image among `images` for `arch`; kNotFound when none is.
util::Result<Ec2Image> PickUbuntuLts(const std::vector<Ec2Image>& images, const std::string& arch);

// One DescribeImages call (filtered by owner, name, architecture, state) and the pick.
util::Result<Ec2Image> FindUbuntuLts(Ec2Client& ec2, const std::string& arch);

}  // namespace cloud::aws
