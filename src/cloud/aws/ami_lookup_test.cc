#include "cloud/aws/ami_lookup.h"

#include <gtest/gtest.h>

#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

TEST(AmiLookupTest, ArchitectureOfInstanceTypes) {
  for (const char* t : {"t4g.medium", "m6g.large", "m7gd.xlarge", "c6gn.large", "x2gd.large", "im4gn.large",
                        "g5g.xlarge", "a1.large", "hpc7g.4xlarge", "r8g.large"})
    EXPECT_EQ(ArchitectureOf(t), "arm64") << t;
  for (const char* t : {"t3.medium", "c5.large", "m6i.large", "g4dn.xlarge", "g5.xlarge", "p4de.24xlarge",
                        "m5dn.large", "inf2.xlarge", "m7i-flex.large", "c7a.large"})
    EXPECT_EQ(ArchitectureOf(t), "x86_64") << t;
  auto same = LookupArchitecture("", {"t4g.small", "c7g.large"});
  ASSERT_OK(same);
  EXPECT_EQ(*same, "arm64");
  auto configured = LookupArchitecture("x86_64", {"t4g.small"});
  ASSERT_OK(configured);
  EXPECT_EQ(*configured, "x86_64");
  EXPECT_EQ(LookupArchitecture("", {"c5.large", "c7g.large"}).status().code(), util::Status::Code::kInvalidArgument);
}

Ec2Image Img(const std::string& id, const std::string& name, const std::string& date,
             const std::string& arch = "x86_64", const std::string& state = "available",
             const std::string& owner = kCanonicalOwner) {
  return Ec2Image{id, name, state, owner, arch, date, "ebs", "hvm"};
}

// The highest LTS release wins even when an older release has a newer refresh; interim
// releases (odd years, .10), other architectures, owners and states never do.
TEST(AmiLookupTest, PicksTheNewestImageOfTheHighestLts) {
  std::vector<Ec2Image> images = {
      Img("ami-jammy-new", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20250101", "2025-01-01T00:00:00.000Z"),
      Img("ami-noble-old", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423", "2024-04-23T00:00:00.000Z"),
      Img("ami-noble-new", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241119", "2024-11-19T00:00:00.000Z"),
      Img("ami-plucky", "ubuntu/images/hvm-ssd-gp3/ubuntu-plucky-25.04-amd64-server-20250416", "2025-04-16T00:00:00.000Z"),
      Img("ami-oracular", "ubuntu/images/hvm-ssd-gp3/ubuntu-oracular-24.10-amd64-server-20241212", "2024-12-12T00:00:00.000Z"),
      Img("ami-pending", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250110", "2025-01-10T00:00:00.000Z",
          "x86_64", "pending"),
      Img("ami-fake", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251231", "2025-12-31T00:00:00.000Z",
          "x86_64", "available", "210987654321"),
      Img("ami-pro", "ubuntu-pro-server/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-pro-server-20250110",
          "2025-01-10T00:00:00.000Z"),
      Img("ami-arm", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241120", "2024-11-20T00:00:00.000Z",
          "arm64"),
  };
  auto amd = PickUbuntuLts(images, "x86_64");
  ASSERT_OK(amd);
  EXPECT_EQ(amd->id, "ami-noble-new");
  auto arm = PickUbuntuLts(images, "arm64");
  ASSERT_OK(arm);
  EXPECT_EQ(arm->id, "ami-arm");
  EXPECT_EQ(PickUbuntuLts({images[3], images[4]}, "x86_64").status().message(),
            "aws: no Ubuntu LTS server image (x86_64) of Canonical (owner 099720109477) in this region; set "
            "amazonec2-ami / ami");
}

}  // namespace
}  // namespace cloud::aws
