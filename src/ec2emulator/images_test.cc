// DescribeImages: the catalogue answers EC2's filters, and the AWS provider without an
// AMI picks the region's current Ubuntu LTS image from it (cloud/aws/ami_lookup.h).
#include <gtest/gtest.h>

#include "cloud/aws/aws_factory.h"
#include "ec2emulator/server.h"
#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

std::vector<std::string> Ids(const Answer& a) {
  std::vector<std::string> out;
  for (pugi::xml_node i : a.root().child("imagesSet").children("item")) out.push_back(i.child_value("imageId"));
  return out;
}

TEST(ImagesTest, FiltersByOwnerNameArchitectureAndState) {
  Harness h;
  Answer a = h.Ec2("DescribeImages", {{"Owner.1", "099720109477"},
                                      {"Filter.1.Name", "name"},
                                      {"Filter.1.Value.1", "ubuntu/images/hvm-ssd*/ubuntu-*-amd64-server-*"},
                                      {"Filter.2.Name", "state"},
                                      {"Filter.2.Value.1", "available"}});
  ASSERT_EQ(a.status, 200) << a.body;
  // Canonical's amd64 server images that are available: not the arm64 ones, not Pro or
  // minimal, not the pending one, not the look-alike of another account.
  EXPECT_EQ(Ids(a), (std::vector<std::string>{"ami-0a1b2c3d4e5f60001", "ami-0a1b2c3d4e5f60002", "ami-0a1b2c3d4e5f60003",
                                              "ami-0a1b2c3d4e5f60004", "ami-0a1b2c3d4e5f60007", "ami-0a1b2c3d4e5f60008"}));
  pugi::xml_node first = a.root().child("imagesSet").child("item");
  EXPECT_STREQ(first.child_value("creationDate"), "2024-03-01T07:41:22.000Z");
  EXPECT_STREQ(first.child_value("imageOwnerId"), "099720109477");
  EXPECT_STREQ(first.child_value("architecture"), "x86_64");

  Answer amazon = h.Ec2("DescribeImages", {{"Owner.1", "amazon"}});
  EXPECT_EQ(Ids(amazon), std::vector<std::string>{"ami-0a1b2c3d4e5f6000d"});
  Answer arm = h.Ec2("DescribeImages", {{"Filter.1.Name", "architecture"}, {"Filter.1.Value.1", "arm64"}});
  EXPECT_EQ(Ids(arm), (std::vector<std::string>{"ami-0a1b2c3d4e5f60005", "ami-0a1b2c3d4e5f60006"}));
}

TEST(ImagesTest, PagesAndErrorsAsEc2) {
  Harness h;
  Answer p1 = h.Ec2("DescribeImages", {{"MaxResults", "5"}});
  ASSERT_EQ(p1.status, 200) << p1.body;
  EXPECT_EQ(Ids(p1).size(), 5u);
  Answer p2 = h.Ec2("DescribeImages", {{"MaxResults", "5"}, {"NextToken", p1.Text("nextToken")}});
  EXPECT_EQ(Ids(p2).size(), 5u);
  EXPECT_NE(Ids(p1)[0], Ids(p2)[0]);

  Answer missing = h.Ec2("DescribeImages", {{"ImageId.1", "ami-00000000000000000"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.ErrorCode(), "InvalidAMIID.NotFound");
  EXPECT_EQ(h.Ec2("DescribeImages", {{"Filter.1.Name", "colour"}, {"Filter.1.Value.1", "x"}}).ErrorCode(),
            "InvalidParameterValue");
  EXPECT_EQ(h.Ec2("DescribeImages", {{"MaxResults", "2"}}).ErrorCode(), "InvalidParameterValue");
}

// The provider, given no AMI, looks once and launches every instance from the image of
// the newest LTS release for its instance types' architecture.
class ProviderAmiTest : public ::testing::Test {
 protected:
  ProviderAmiTest() : h(WithGraviton()), server(h.emulator, h.clock, {{"AKIDAMITEST", "ami-secret"}}) {}
  static EmulatorOptions WithGraviton() {
    EmulatorOptions o;
    o.instance_types.push_back({"t4g.medium", 0.0336, 0.0101, 2});
    o.instance_types.push_back({"m7gd.large", 0.1068, 0.0400, 2});
    return o;
  }
  void SetUp() override {
    auto port = server.Start("127.0.0.1", 0);
    ASSERT_OK(port);
    endpoint = "http://127.0.0.1:" + std::to_string(*port);
  }
  cloud::aws::AwsSettings Settings(std::vector<std::string> types) {
    cloud::aws::AwsSettings s;
    s.endpoint = endpoint;
    s.access_key = "AKIDAMITEST";
    s.secret_key = "ami-secret";
    s.fleet_name = "ami-test";
    s.instance_types = std::move(types);
    return s;
  }
  std::vector<std::string> LaunchedImages() {
    std::vector<std::string> out;
    for (const auto& j : h.emulator.InstancesJson()) out.push_back(j["image_id"]);
    return out;
  }
  Harness h;
  Server server;
  std::string endpoint;
};

TEST_F(ProviderAmiTest, PicksTheNewestLtsOfTheArchitectureOnce) {
  auto p = cloud::aws::NewAwsProvider(Settings({"t3.medium"}), {}, h.clock);
  ASSERT_OK(p);
  ASSERT_OK((*p)->Increase(1));
  ASSERT_OK((*p)->Increase(1));
  EXPECT_EQ(LaunchedImages(), (std::vector<std::string>{"ami-0a1b2c3d4e5f60004", "ami-0a1b2c3d4e5f60004"}));
  EXPECT_EQ(h.emulator.StatsJson()["DescribeImages"], 1);

  auto arm = cloud::aws::NewAwsProvider(Settings({"t4g.medium", "m7gd.large"}), {}, h.clock);
  ASSERT_OK(arm);
  ASSERT_OK((*arm)->Increase(1));
  EXPECT_EQ(LaunchedImages().back(), "ami-0a1b2c3d4e5f60005");

  // connector_config arch decides over the types.
  cloud::aws::AwsSettings s = Settings({"c5.large"});
  s.arch = "arm64";
  auto forced = cloud::aws::NewAwsProvider(s, {}, h.clock);
  ASSERT_OK(forced);
  ASSERT_OK((*forced)->Increase(1));
  EXPECT_EQ(LaunchedImages().back(), "ami-0a1b2c3d4e5f60005");

  // A configured AMI is used as it is: no lookup.
  s.ami = "ami-0123456789abcdef0";
  auto given = cloud::aws::NewAwsProvider(s, {}, h.clock);
  ASSERT_OK(given);
  ASSERT_OK((*given)->Increase(1));
  EXPECT_EQ(LaunchedImages().back(), "ami-0123456789abcdef0");
  EXPECT_EQ(h.emulator.StatsJson()["DescribeImages"], 3);
}

TEST_F(ProviderAmiTest, TypesOfTwoArchitecturesNeedAnAmi) {
  auto p = cloud::aws::NewAwsProvider(Settings({"c5.large", "c7g.large"}), {}, h.clock);
  ASSERT_OK(p);
  EXPECT_EQ((*p)->Increase(1).status().message(),
            "aws: instance types c5.large (x86_64) and c7g.large (arm64) need different images; set amazonec2-ami / "
            "ami, or list types of one architecture");
  EXPECT_TRUE(h.emulator.InstancesJson().empty());
}

}  // namespace
}  // namespace ec2emulator::testing
