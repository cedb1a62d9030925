#include "cloud/aws/user_data.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>

#include "connect/ssh/ssh_keys.h"
#include "util/testing/test_util.h"

namespace cloud::aws {
namespace {

const char kKey[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey spotrunner-f";

TEST(AwsUserDataTest, CloudConfigInstallsTheFleetKeyForTheSshUser) {
  auto ud = BuildUserData("ubuntu", kKey, "");
  ASSERT_OK(ud);
  EXPECT_EQ(*ud,
            "#cloud-config\n"
            "users:\n"
            "  - default\n"
            "  - name: ubuntu\n"
            "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
            "    shell: /bin/bash\n"
            "    ssh_authorized_keys:\n"
            "      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey spotrunner-f\n");
  EXPECT_EQ(Base64("#cloud-config\n"), "I2Nsb3VkLWNvbmZpZwo=");
  auto none = BuildUserData("ubuntu", "", "");
  ASSERT_OK(none);
  EXPECT_EQ(*none, "");
  auto only_user = BuildUserData("ubuntu", "", "#!/bin/sh\necho hi\n");
  ASSERT_OK(only_user);
  EXPECT_EQ(*only_user, "#!/bin/sh\necho hi\n");
}

TEST(AwsUserDataTest, UserDataIsMergedAsAMultipartArchiveWithOursLast) {
  auto ud = BuildUserData("root", kKey, "#!/bin/sh\necho user-script\n");
  ASSERT_OK(ud);
  const std::string& t = *ud;
  EXPECT_EQ(t.rfind("Content-Type: multipart/mixed; boundary=\"==spotrunner-boundary==\"\n", 0), 0u) << t;
  size_t script = t.find("Content-Type: text/x-shellscript");
  size_t ours = t.find("Content-Type: text/cloud-config");
  ASSERT_NE(script, std::string::npos) << t;
  ASSERT_NE(ours, std::string::npos) << t;
  EXPECT_LT(script, ours);
  EXPECT_NE(t.find("echo user-script\n--==spotrunner-boundary==\n"), std::string::npos) << t;
  EXPECT_NE(t.find("Merge-Type: list(append)+dict(no_replace,recurse_list)+str()\n"), std::string::npos) << t;
  EXPECT_NE(t.find("      - " + std::string(kKey) + "\n--==spotrunner-boundary==--\n"), std::string::npos) << t;

  // A user's cloud-config keeps its type; a boundary found in it is avoided.
  auto cc = BuildUserData("root", kKey, "#cloud-config\n# ==spotrunner-boundary==\npackages: [curl]");
  ASSERT_OK(cc);
  EXPECT_NE(cc->find("boundary=\"==xspotrunner-boundary==\""), std::string::npos) << *cc;
  EXPECT_NE(cc->find("Content-Type: text/cloud-config; charset=\"utf-8\"\nMIME-Version: 1.0\n\n#cloud-config\n"),
            std::string::npos) << *cc;
  // A MIME archive of the user's own goes in as a nested part with its headers.
  auto mime = BuildUserData("root", kKey, "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n\nx\n--b--\n");
  ASSERT_OK(mime);
  EXPECT_NE(mime->find("--==spotrunner-boundary==\nContent-Type: multipart/mixed; boundary=\"b\"\n"),
            std::string::npos) << *mime;
}

// The instance's host key travels as cloud-init's `ssh_keys`: the private key as a literal
// block, the public line beside it; cloud-init's own schema check accepts the document.
TEST(AwsUserDataTest, HostKeyGoesIntoSshKeys) {
  auto host = connect::GenerateKeyPair("");
  ASSERT_OK(host);
  auto ud = BuildUserData("ubuntu", kKey, "", HostKey{host->private_pem, host->public_line});
  ASSERT_OK(ud);
  std::string block;
  for (size_t i = 0; i < host->private_pem.size();) {
    size_t j = host->private_pem.find('\n', i);
    block += "    " + host->private_pem.substr(i, j - i) + "\n";
    i = j + 1;
  }
  EXPECT_EQ(*ud,
            "#cloud-config\n"
            "users:\n"
            "  - default\n"
            "  - name: ubuntu\n"
            "    sudo: ALL=(ALL) NOPASSWD:ALL\n"
            "    shell: /bin/bash\n"
            "    ssh_authorized_keys:\n"
            "      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey spotrunner-f\n"
            "ssh_keys:\n"
            "  ed25519_private: |\n" +
                block + "  ed25519_public: " + host->public_line + "\n");

  // cloud-init (Debian's package, scripts/deps.sh) validates it against its schema.
  testutil::TempDir dir;
  std::string file = (dir.path() / "user-data").string();
  { std::ofstream(file) << *ud; }
  std::string cmd = "cloud-init schema --config-file " + file + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  ASSERT_TRUE(p);
  std::string out;
  char buf[512];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p.get())) > 0;) out.append(buf, n);
  int rc = pclose(p.release());
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("Valid cloud-config"), std::string::npos) << out;

  // Only the host key (keypair_name launches carry no fleet key).
  auto only = BuildUserData("ubuntu", "", "", HostKey{host->private_pem, host->public_line});
  ASSERT_OK(only);
  EXPECT_EQ(only->rfind("#cloud-config\nssh_keys:\n  ed25519_private: |\n    -----BEGIN OPENSSH PRIVATE KEY-----\n", 0),
            0u) << *only;
  EXPECT_EQ(BuildUserData("ubuntu", kKey, "", HostKey{host->private_pem, ""}).status().code(),
            util::Status::Code::kInvalidArgument);
}

TEST(AwsUserDataTest, RefusesWhatEc2OrCloudInitWouldNotTake) {
  EXPECT_EQ(BuildUserData("root", kKey, std::string(16 * 1024, 'x')).status().message(),
            "aws user data is 16929 bytes with the fleet's SSH key; EC2 takes at most 16384");
  EXPECT_EQ(BuildUserData("root", "ssh-ed25519 AAAA\nruncmd: [x]", "").status().code(),
            util::Status::Code::kInvalidArgument);
  EXPECT_EQ(BuildUserData("ro\not", kKey, "").status().code(), util::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cloud::aws
