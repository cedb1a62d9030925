#include "cloud/aws/aws_factory.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <fstream>
#include <regex>

#include "cloud/aws/query_client.h"
#include "cloud/aws/testdata/fake_query_server.h"
#include "cloud/aws/user_data.h"
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

// Without a key pair name or key path, the factory makes the fleet's own key: its public
// half travels in the launch's user data, its private half comes back from Connect.
TEST(AwsFactoryTest, MakesAPerFleetKeyThatTravelsInUserData) {
  testutil::TempDir dir;
  const std::string user_file = (dir.path() / "userdata.sh").string();
  std::ofstream(user_file) << "#!/bin/sh\necho from-the-user\n";
  std::string user_data;
  FakeQueryServer server([&](const QueryRequest& r) {
    const std::string item =
        "<item><instanceId>i-1</instanceId><instanceState><code>16</code><name>running</name></instanceState>"
        "<privateIpAddress>10.0.1.10</privateIpAddress><tagSet><item><key>spotrunner:fleet</key><value>f</value>"
        "</item></tagSet></item>";
    if (r.action == "RunInstances") {
      user_data = r.Param("UserData");
      return QueryReply{200, "<RunInstancesResponse><instancesSet>" + item + "</instancesSet></RunInstancesResponse>"};
    }
    return QueryReply{200, "<DescribeInstancesResponse><reservationSet><item><instancesSet>" + item +
                               "</instancesSet></item></reservationSet></DescribeInstancesResponse>"};
  });
  AwsSettings s;
  s.endpoint = server.url();
  s.ami = "ami-1";
  s.fleet_name = "f";
  s.ssh_user = "root";
  s.use_private_address = true;
  s.userdata_file = user_file;
  s.access_key = "AKIDCFG";
  s.secret_key = "secret";
  util::ManualClock clock;
  auto provider = NewAwsProvider(s, {}, clock);
  ASSERT_OK(provider);
  ASSERT_OK((*provider)->Increase(1));
  auto info = (*provider)->Connect("i-1");
  ASSERT_OK(info);
  EXPECT_EQ(info->key_pem.rfind("-----BEGIN OPENSSH PRIVATE KEY-----", 0), 0u);
  // (That the two halves match is proven where an instance opens to it: the emulator's
  // stack test and the end-to-end tests.)
  std::string decoded(user_data.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                          reinterpret_cast<const unsigned char*>(user_data.data()), static_cast<int>(user_data.size()));
  ASSERT_GT(n, 0);
  decoded.resize(static_cast<size_t>(n) - (user_data.size() - user_data.find_last_not_of('=') - 1));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(decoded, m, std::regex("ssh-ed25519 AAAA[A-Za-z0-9+/=]+ spotrunner-f"))) << decoded;
  // Each launch also carries a host key of its own (cloud-init ssh_keys), which Connect()
  // then gives as the only key to accept.
  std::smatch hk;
  ASSERT_TRUE(std::regex_search(decoded, hk, std::regex("  ed25519_private: \\|\n((?:    [^\n]*\n)+)  ed25519_public: ([^\n]+)\n")))
      << decoded;
  std::string pem = std::regex_replace(hk[1].str(), std::regex("(^|\n)    "), "$1");
  EXPECT_EQ(info->host_key, hk[2].str());
  auto expected = BuildUserData("root", m[0].str(), "#!/bin/sh\necho from-the-user\n", HostKey{pem, hk[2].str()});
  ASSERT_OK(expected);
  EXPECT_EQ(decoded, *expected);
  // A second fleet gets a key of its own.
  auto other = NewAwsProvider(s, {}, clock);
  ASSERT_OK(other);
  ASSERT_OK((*other)->Increase(1));
  EXPECT_NE(user_data, Base64(*expected));

  s.userdata_file = (dir.path() / "missing").string();
  EXPECT_EQ(NewAwsProvider(s, {}, clock).status().message(), "aws: cannot read user data file " + s.userdata_file);
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
