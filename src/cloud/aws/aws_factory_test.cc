#include "cloud/aws/aws_factory.h"

#include <gtest/gtest.h>

#include "cloud/aws/query_client.h"
#include "cloud/aws/testdata/fake_query_server.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

using testing::FakeQueryServer;
using testing::QueryReply;
using testing::QueryRequest;

TEST(AwsFactoryTest, BuildsAWorkingEc2ProviderFromSettings) {
  FakeQueryServer server([](const QueryRequest& r) {
    EXPECT_EQ(r.action, "DescribeInstances");
    EXPECT_NE(r.authorization.find("Credential=AKIDCFG/"), std::string::npos);
    return QueryReply{200, "<DescribeInstancesResponse><reservationSet/></DescribeInstancesResponse>"};
  });
  AwsSettings s;
  s.region = "eu-west-1";
  s.endpoint = server.url();
  s.ami = "ami-1";
  s.fleet_name = "f";
  s.access_key = "AKIDCFG";
  s.secret_key = "secret";
  util::ManualClock clock;
  auto provider = NewAwsProvider(s, {"KEY", "ssh-ed25519 AAAA"}, clock);
  ASSERT_OK(provider);
  auto list = (*provider)->List();
  ASSERT_OK(list);
  EXPECT_TRUE(list->empty());
  EXPECT_EQ(server.count("DescribeInstances"), 1);
}

TEST(AwsFactoryTest, RefusesSettingsThatCannotLaunch) {
  util::ManualClock clock;
  AwsSettings no_ami;
  EXPECT_EQ(NewAwsProvider(no_ami, {}, clock).status().message(),
            "aws: no AMI configured (amazonec2-ami, or ami / launch_template in [runners.autoscaler.plugin_config])");
  AwsSettings typo;
  typo.ami = "ami-1";
  typo.region = "eu-wset";
  EXPECT_EQ(NewAwsProvider(typo, {}, clock).status().code(), util::Status::Code::kInvalidArgument);
  AwsSettings asg;
  asg.asg_name = "g";
  EXPECT_OK(NewAwsProvider(asg, {}, clock));
  EXPECT_EQ(DefaultEndpoint("ec2", "cn-north-1"), "https://ec2.cn-north-1.amazonaws.com.cn/");
}

}  // namespace
}  // namespace cloud::aws
