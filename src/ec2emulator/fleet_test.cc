// CreateFleet (instant) and DescribeSpotPriceHistory.
#include "ec2emulator/test_support.h"

namespace ec2emulator::testing {
namespace {

const char* kSubnetA = "subnet-0a0a0a0a0a0a0a0a0";
const char* kSubnetB = "subnet-0b0b0b0b0b0b0b0b0";

// Three types × two subnets, price-capacity-optimized, `total` units of `market`.
Params Fleet(int total, const std::string& market) {
  Params p = {{"Type", "instant"},
              {"LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName", "runner-lt"},
              {"LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version", "$Latest"},
              {"TargetCapacitySpecification.TotalTargetCapacity", std::to_string(total)},
              {"TargetCapacitySpecification.DefaultTargetCapacityType", market},
              {"SpotOptions.AllocationStrategy", "price-capacity-optimized"},
              {"TagSpecification.1.ResourceType", "instance"},
              {"TagSpecification.1.Tag.1.Key", "fleet"},
              {"TagSpecification.1.Tag.1.Value", "ci"}};
  int n = 1;
  for (const char* type : {"m5.large", "c5.large", "c6i.large"}) {
    for (const char* subnet : {kSubnetA, kSubnetB}) {
      const std::string o = "LaunchTemplateConfigs.1.Overrides." + std::to_string(n++) + ".";
      p.emplace_back(o + "InstanceType", type);
      p.emplace_back(o + "SubnetId", subnet);
    }
  }
  return p;
}

int CountInstances(const Answer& a) {
  int n = 0;
  for (auto item : a.root().child("fleetInstanceSet").children("item")) {
    for (auto id : item.child("instanceIds").children("item")) n += id.text().empty() ? 0 : 1;
  }
  return n;
}

TEST(FleetTest, SpotGoesToTheCheapestPool) {
  Harness h;
  Answer a = h.Ec2("CreateFleet", Fleet(2, "spot"));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Text("fleetId").rfind("fleet-", 0), 0u);
  EXPECT_EQ(CountInstances(a), 2);
  EXPECT_TRUE(a.root().child("errorSet").children("item").begin() == a.root().child("errorSet").children("item").end());
  // c6i.large has the lowest spot price in the default catalogue, us-east-1a the lowest zone.
  EXPECT_EQ(a.Text("fleetInstanceSet/item/instanceType"), "c6i.large");
  EXPECT_EQ(a.Text("fleetInstanceSet/item/lifecycle"), "spot");
  EXPECT_EQ(a.Text("fleetInstanceSet/item/launchTemplateAndOverrides/overrides/subnetId"), kSubnetA);
  EXPECT_EQ(a.Text("fleetInstanceSet/item/launchTemplateAndOverrides/launchTemplateSpecification/launchTemplateName"),
            "runner-lt");
  const std::string id = a.Text("fleetInstanceSet/item/instanceIds/item");
  Answer d = h.Ec2("DescribeInstances", {{"InstanceId.1", id}});
  EXPECT_EQ(d.Text("reservationSet/item/instancesSet/item/instanceLifecycle"), "spot");
  bool fleet_tag = false, user_tag = false;
  for (auto t : d.root().first_element_by_path("reservationSet/item/instancesSet/item/tagSet").children("item")) {
    fleet_tag = fleet_tag || (std::string(t.child_value("key")) == "aws:ec2:fleet-id" &&
                              t.child_value("value") == a.Text("fleetId"));
    user_tag = user_tag || std::string(t.child_value("key")) == "fleet";
  }
  EXPECT_TRUE(fleet_tag);
  EXPECT_TRUE(user_tag);
}

TEST(FleetTest, CapacityErrorFallsToTheNextTypeThenNothingLeft) {
  Harness h;
  ASSERT_OK(h.emulator.AddFault({{"kind", "capacity"}, {"instance_type", "c6i.large"}, {"market", "spot"}}));
  Answer a = h.Ec2("CreateFleet", Fleet(1, "spot"));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(CountInstances(a), 1);
  EXPECT_EQ(a.Text("fleetInstanceSet/item/instanceType"), "c5.large");
  int errors = 0;
  for (auto e : a.root().child("errorSet").children("item")) {
    ++errors;
    EXPECT_EQ(std::string(e.child_value("errorCode")), "InsufficientInstanceCapacity");
    EXPECT_EQ(std::string(e.child_value("lifecycle")), "spot");
    EXPECT_EQ(std::string(e.first_element_by_path("launchTemplateAndOverrides/overrides/instanceType").text().get()),
              "c6i.large");
  }
  EXPECT_EQ(errors, 2);  // the two c6i.large pools, tried before c5.large

  // No spot capacity anywhere: 200 with only errors; on-demand still launches.
  ASSERT_OK(h.emulator.AddFault({{"kind", "capacity"}, {"market", "spot"}}));
  Answer none = h.Ec2("CreateFleet", Fleet(2, "spot"));
  ASSERT_EQ(none.status, 200) << none.body;
  EXPECT_EQ(CountInstances(none), 0);
  EXPECT_EQ(std::distance(none.root().child("errorSet").children("item").begin(),
                          none.root().child("errorSet").children("item").end()),
            6);
  Answer od = h.Ec2("CreateFleet", Fleet(2, "on-demand"));
  EXPECT_EQ(CountInstances(od), 2);
  EXPECT_EQ(od.Text("fleetInstanceSet/item/lifecycle"), "on-demand");
  // c5.large and c6i.large tie on the lowest on-demand price: the first in the request wins.
  EXPECT_EQ(od.Text("fleetInstanceSet/item/instanceType"), "c5.large");
}

TEST(FleetTest, SplitTargetCapacityAndValidation) {
  Harness h;
  Params p = Fleet(3, "spot");
  p.emplace_back("TargetCapacitySpecification.OnDemandTargetCapacity", "1");
  Answer a = h.Ec2("CreateFleet", p);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(CountInstances(a), 3);
  int spot = 0, od = 0;
  for (auto item : a.root().child("fleetInstanceSet").children("item")) {
    int n = static_cast<int>(std::distance(item.child("instanceIds").children("item").begin(),
                                           item.child("instanceIds").children("item").end()));
    (std::string(item.child_value("lifecycle")) == "spot" ? spot : od) += n;
  }
  EXPECT_EQ(spot, 2);
  EXPECT_EQ(od, 1);
  Params maintain = Fleet(1, "spot");
  maintain[0].second = "maintain";
  EXPECT_EQ(h.Ec2("CreateFleet", maintain).ErrorCode(), "Unsupported");
  EXPECT_EQ(h.Ec2("CreateFleet", {{"Type", "instant"}}).ErrorCode(), "MissingParameter");
  Params bad_subnet = Fleet(1, "spot");
  bad_subnet.emplace_back("LaunchTemplateConfigs.1.Overrides.7.InstanceType", "c5.large");
  bad_subnet.emplace_back("LaunchTemplateConfigs.1.Overrides.7.SubnetId", "subnet-404");
  EXPECT_EQ(h.Ec2("CreateFleet", bad_subnet).ErrorCode(), "InvalidSubnetID.NotFound");
}

TEST(SpotPriceHistoryTest, FiltersOrderAndPagination) {
  Harness h;
  Answer a =
      h.Ec2("DescribeSpotPriceHistory", {{"InstanceType.1", "c5.large"}, {"ProductDescription.1", "Linux/UNIX"}});
  ASSERT_EQ(a.status, 200) << a.body;
  int n = 0;
  for (auto item : a.root().child("spotPriceHistorySet").children("item")) {
    ++n;
    EXPECT_EQ(std::string(item.child_value("instanceType")), "c5.large");
    EXPECT_EQ(std::string(item.child_value("productDescription")), "Linux/UNIX");
  }
  EXPECT_EQ(n, 3);  // one point per zone
  EXPECT_EQ(a.Text("spotPriceHistorySet/item/spotPrice"), "0.034000");

  h.clock.Advance(std::chrono::minutes(5));
  ASSERT_OK(h.emulator.SetSpotPrice("c5.large", 0.05));
  Answer b = h.Ec2("DescribeSpotPriceHistory",
                   {{"InstanceType.1", "c5.large"}, {"AvailabilityZone", "us-east-1b"}, {"MaxResults", "1"}});
  EXPECT_EQ(b.Text("spotPriceHistorySet/item/spotPrice"), "0.050000");  // newest first
  const std::string token = b.Text("nextToken");
  ASSERT_FALSE(token.empty());
  Answer c = h.Ec2(
      "DescribeSpotPriceHistory",
      {{"InstanceType.1", "c5.large"}, {"AvailabilityZone", "us-east-1b"}, {"MaxResults", "1"}, {"NextToken", token}});
  EXPECT_EQ(c.Text("spotPriceHistorySet/item/spotPrice"), "0.034100");
  EXPECT_EQ(c.Text("nextToken"), "");
  EXPECT_EQ(h.Ec2("DescribeSpotPriceHistory", {{"Filter.1.Name", "colour"}}).ErrorCode(), "InvalidParameterValue");
}

}  // namespace
}  // namespace ec2emulator::testing
