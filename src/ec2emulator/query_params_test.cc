#include "ec2emulator/query_params.h"

#include <gtest/gtest.h>

#include "util/testing/test_util.h"

namespace ec2emulator {
namespace {

TEST(QueryParamsTest, DecodesPlusAndPercentAndKeepsEmptyValues) {
  auto p = QueryParams::Parse("Action=RunInstances&Tag.1.Value=&Name=a+b%20c%2Bd&Flag");
  ASSERT_OK(p);
  EXPECT_EQ(p->Get("Action"), "RunInstances");
  EXPECT_EQ(p->Get("Name"), "a b c+d");
  EXPECT_TRUE(p->Has("Tag.1.Value"));
  EXPECT_EQ(p->Get("Tag.1.Value", "x"), "");
  EXPECT_TRUE(p->Has("Flag"));
  EXPECT_FALSE(p->Has("Missing"));
}

TEST(QueryParamsTest, BadEscapeNamesTheItem) {
  auto p = QueryParams::Parse("Action=X&Bad=%zz");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), "malformed percent-escape in form parameter at offset 9: 'Bad=%zz'");
  EXPECT_FALSE(QueryParams::Parse("A=%4").ok());
}

TEST(QueryParamsTest, ListsAreInNumericIndexOrder) {
  auto p = QueryParams::Parse("InstanceId.10=j&InstanceId.2=b&InstanceId.1=a&InstanceId.x=no&InstanceIdX.1=no");
  ASSERT_OK(p);
  EXPECT_EQ(p->List("InstanceId"), (std::vector<std::string>{"a", "b", "j"}));
  EXPECT_TRUE(p->List("Other").empty());
}

TEST(QueryParamsTest, StructsAndNestedLists) {
  auto p = QueryParams::Parse(
      "Filter.2.Name=instance-state-name&Filter.2.Value.1=running&Filter.2.Value.2=pending"
      "&Filter.1.Name=tag%3AName&Filter.1.Value.1=runner-42");
  ASSERT_OK(p);
  auto f = p->Structs("Filter");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].Get("Name"), "tag:Name");
  EXPECT_EQ(f[0].List("Value"), (std::vector<std::string>{"runner-42"}));
  EXPECT_EQ(f[1].List("Value"), (std::vector<std::string>{"running", "pending"}));
}

TEST(QueryParamsTest, AutoScalingMemberLists) {
  auto p = QueryParams::Parse(
      "AutoScalingGroupNames.member.1=a&AutoScalingGroupNames.member.2=b"
      "&Tags.member.1.Key=k&Tags.member.1.Value=v&LaunchTemplate.LaunchTemplateName=lt");
  ASSERT_OK(p);
  EXPECT_EQ(p->List("AutoScalingGroupNames.member"), (std::vector<std::string>{"a", "b"}));
  auto tags = p->Structs("Tags.member");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0].Get("Key"), "k");
  EXPECT_EQ(p->Sub("LaunchTemplate").Get("LaunchTemplateName"), "lt");
}

TEST(QueryParamsTest, IntegersAndBooleans) {
  auto p = QueryParams::Parse("MinCount=3&MaxCount=x&DryRun=true&Bad=yes");
  ASSERT_OK(p);
  auto min = p->GetInt("MinCount");
  ASSERT_FALSE(IsError(min));
  EXPECT_EQ(*std::get<std::optional<int64_t>>(min), 3);
  auto max = p->GetInt("MaxCount");
  ASSERT_TRUE(IsError(max));
  EXPECT_EQ(std::get<ApiError>(max).code, "InvalidParameterValue");
  EXPECT_EQ(std::get<ApiError>(max).message, "Invalid value 'x' for MaxCount. It must be an integer.");
  EXPECT_FALSE(std::get<std::optional<int64_t>>(p->GetInt("Absent")).has_value());
  EXPECT_TRUE(std::get<bool>(p->GetBool("DryRun", false)));
  EXPECT_TRUE(IsError(p->GetBool("Bad", false)));
}

}  // namespace
}  // namespace ec2emulator
