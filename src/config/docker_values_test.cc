#include "config/docker_values.h"

#include <gtest/gtest.h>

namespace config {
namespace {

TEST(DockerValuesTest, MemoryAndCpus) {
  EXPECT_EQ(*ParseMemoryBytes(""), 0);
  EXPECT_EQ(*ParseMemoryBytes("1024"), 1024);
  EXPECT_EQ(*ParseMemoryBytes("128m"), 128 << 20);
  EXPECT_EQ(*ParseMemoryBytes("2G"), int64_t{2} << 30);
  EXPECT_EQ(*ParseMemoryBytes("512kb"), 512 << 10);
  EXPECT_EQ(ParseMemoryBytes("lots").status().message(), "invalid memory size \"lots\" (want e.g. 512m or 2g)");
  EXPECT_EQ(*ParseNanoCpus("1.5"), 1500000000);
  EXPECT_EQ(ParseNanoCpus("-1").status().code(), util::Status::Code::kInvalidArgument);
}

TEST(DockerValuesTest, Ulimits) {
  EXPECT_EQ(*ParseUlimit("nofile", "1024"), (Ulimit{"nofile", 1024, 1024}));
  EXPECT_EQ(*ParseUlimit("nofile", "1024:2048"), (Ulimit{"nofile", 1024, 2048}));
  EXPECT_EQ(*ParseUlimit("core", "-1"), (Ulimit{"core", -1, -1}));
  EXPECT_EQ(ParseUlimit("nofile", "abc").status().message(),
            "invalid soft limit \"abc\" (want \"<soft>[:<hard>]\" integers)");
  EXPECT_EQ(ParseUlimit("nofile", "10:x").status().message(),
            "invalid hard limit \"x\" (want \"<soft>[:<hard>]\" integers)");
  EXPECT_EQ(ParseUlimit("nofile", "20:10").status().message(), "soft limit 20 is above hard limit 10");
  EXPECT_EQ(ParseUlimit("files", "10").status().message(), "unknown ulimit \"files\"");
}

// The cases of Docker's --gpus parser that gitlab-runner relies on.
TEST(DockerValuesTest, Gpus) {
  EXPECT_TRUE(ParseGpus("")->empty());
  EXPECT_TRUE(ParseGpus("  ")->empty());
  auto all = ParseGpus("all");
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], (GpuRequest{"", -1, {}, {{"gpu"}}, {}}));
  EXPECT_EQ((*ParseGpus("2"))[0].count, 2);
  EXPECT_EQ((*ParseGpus("count=all"))[0].count, -1);
  auto devices = ParseGpus("\"device=0,2\",driver=nvidia");
  ASSERT_TRUE(devices.ok()) << devices.status().message();
  EXPECT_EQ((*devices)[0], (GpuRequest{"nvidia", 0, {"0", "2"}, {{"gpu"}}, {}}));
  auto caps = ParseGpus("count=1,capabilities=utility,\"options=a=b,c=d\"");
  ASSERT_TRUE(caps.ok()) << caps.status().message();
  EXPECT_EQ((*caps)[0].capabilities, (std::vector<std::vector<std::string>>{{"utility", "gpu"}}));
  EXPECT_EQ((*caps)[0].options, (std::map<std::string, std::string>{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ((*ParseGpus("driver=nvidia"))[0].count, 1);  // no count and no devices: one GPU
  EXPECT_EQ(ParseGpus("x").status().message(), "invalid count (x): value must be either \"all\" or an integer");
  EXPECT_EQ(ParseGpus("count=1,count=2").status().message(), "gpu request key 'count' can be specified only once");
  EXPECT_EQ(ParseGpus("gpu=1").status().message(), "unexpected key 'gpu' in 'gpu=1'");
}

TEST(DockerValuesTest, TmpfsOptionsAndMac) {
  EXPECT_TRUE(CheckTmpfsOptions("").ok());
  EXPECT_TRUE(CheckTmpfsOptions("rw,noexec,nosuid,size=64m,mode=1777").ok());
  EXPECT_EQ(CheckTmpfsOptions("rw,sise=64m").message(), "invalid tmpfs option \"sise=64m\"");
  EXPECT_EQ(CheckTmpfsOptions("fast").message(), "invalid tmpfs option \"fast\"");
  EXPECT_TRUE(CheckMacAddress("92:d0:c6:0a:29:33").ok());
  EXPECT_TRUE(CheckMacAddress("92-D0-C6-0A-29-33").ok());
  EXPECT_EQ(CheckMacAddress("92:d0:c6:0a:29").message(),
            "invalid MAC address \"92:d0:c6:0a:29\" (want e.g. 92:d0:c6:0a:29:33)");
}

}  // namespace
}  // namespace config
