#include "cloud/aws/aws_factory.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <fstream>
#include <regex>

#include "cloud/aws/query_client.h"
#include "cloud/aws/testdata/fake_query_server.h"
#include "cloud/aws/user_data.h"
#include "cloud/local/host_command.h"
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

// connector_config key_path: that key, not a per-fleet one, reaches the instances; its
// public half goes in the user data unless use_static_credentials says the image already
// trusts it. For a docker executor the user data also carries the Engine's part.
TEST(AwsFactoryTest, StaticKeyFromKeyPath) {
  testutil::TempDir dir;
  // (connect/ssh's generator cannot be named here beside <sys/socket.h>: OpenSSH's makes it.)
  const std::string key_file = (dir.path() / "id_ed25519").string();
  auto made = local::RunCommand({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", key_file});
  ASSERT_OK(made);
  ASSERT_EQ(made->exit_code, 0) << made->output;
  struct {
    std::string private_pem, public_line;
  } key{testutil::ReadFile(key_file), testutil::ReadFile(key_file + ".pub")};
  auto* kp = &key;
  while (!kp->public_line.empty() && (kp->public_line.back() == '\n' || kp->public_line.back() == ' '))
    kp->public_line.pop_back();
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
  auto decoded = [&] {
    std::string out(user_data.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(user_data.data()), static_cast<int>(user_data.size()));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
    return out;
  };
  AwsSettings s;
  s.endpoint = server.url();
  s.ami = "ami-1";
  s.fleet_name = "f";
  s.ssh_user = "admin";
  s.use_private_address = true;
  s.ssh_key_path = key_file;
  s.install_engine = true;
  s.access_key = "AKIDCFG";
  s.secret_key = "secret";
  util::ManualClock clock;
  auto pushed = NewAwsProvider(s, {}, clock);
  ASSERT_OK(pushed);
  ASSERT_OK((*pushed)->Increase(1));
  auto info = (*pushed)->Connect("i-1");
  ASSERT_OK(info);
  EXPECT_EQ(info->key_pem, kp->private_pem);
  EXPECT_EQ(info->username, "admin");
  EXPECT_NE(decoded().find("    ssh_authorized_keys:\n      - " + kp->public_line), std::string::npos) << decoded();
  EXPECT_NE(decoded().find("usermod -aG docker \"$user\""), std::string::npos);
  EXPECT_NE(decoded().find("user='admin'"), std::string::npos);

  s.use_static_credentials = true;
  auto static_key = NewAwsProvider(s, {}, clock);
  ASSERT_OK(static_key);
  ASSERT_OK((*static_key)->Increase(1));
  EXPECT_EQ(decoded().find("ssh_authorized_keys"), std::string::npos) << decoded();
  EXPECT_EQ(decoded().find(kp->public_line.substr(0, 40)), std::string::npos);
  auto info2 = (*static_key)->Connect("i-1");
  ASSERT_OK(info2);
  EXPECT_EQ(info2->key_pem, kp->private_pem);
}

TEST(AwsFactoryTest, RefusesSettingsThatCannotLaunch) {
  util::ManualClock clock;
  AwsSettings no_ami;  // the first launch looks the image up (ami_lookup.h)
  EXPECT_OK(NewAwsProvider(no_ami, {}, clock));
  AwsSettings no_key;
  no_key.ssh_key_path = "/nonexistent/key";
  EXPECT_EQ(NewAwsProvider(no_key, {}, clock).status().message(), "aws: cannot read ssh key /nonexistent/key");
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
