#include "config/system_id.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "util/testing/test_util.h"

namespace config {
namespace {

void Write(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

TEST(SystemIdTest, DerivedFromMachineIdWithHmacSha256) {
  // HMAC-SHA256(key="0123456789abcdef0123456789abcdef", msg="gitlab-runner"), first 12 hex digits.
  EXPECT_EQ(SystemIdFromMachineId("0123456789abcdef0123456789abcdef\n"),
            SystemIdFromMachineId("0123456789abcdef0123456789abcdef"));
  std::string id = SystemIdFromMachineId("0123456789abcdef0123456789abcdef");
  EXPECT_TRUE(IsValidSystemId(id)) << id;
  EXPECT_EQ(id.substr(0, 2), "s_");
  EXPECT_NE(id, SystemIdFromMachineId("fedcba9876543210fedcba9876543210"));
}

TEST(SystemIdTest, KnownVector) {
  // Computed independently: printf gitlab-runner | openssl dgst -sha256 -hmac key
  EXPECT_EQ(SystemIdFromMachineId("key"), "s_63157b6a5b91");
}

TEST(SystemIdTest, RandomIdsAreValidAndDiffer) {
  std::string a = RandomSystemId();
  std::string b = RandomSystemId();
  EXPECT_TRUE(IsValidSystemId(a)) << a;
  EXPECT_EQ(a.substr(0, 2), "r_");
  EXPECT_NE(a, b);
}

TEST(SystemIdTest, Validation) {
  EXPECT_TRUE(IsValidSystemId("s_0123456789ab"));
  EXPECT_TRUE(IsValidSystemId("r_AbCdEf012345"));
  EXPECT_FALSE(IsValidSystemId("x_0123456789ab"));
  EXPECT_FALSE(IsValidSystemId("s_0123456789a"));
  EXPECT_FALSE(IsValidSystemId("s_0123456789abc"));
  EXPECT_FALSE(IsValidSystemId("s_0123456789-b"));
  EXPECT_FALSE(IsValidSystemId(""));
}

TEST(SystemIdTest, CreatesPersistsAndReloads) {
  testutil::TempDir dir;
  Write(dir.path() / "machine-id", "0123456789abcdef0123456789abcdef\n");
  SystemIdOptions opts;
  opts.machine_id_files = {(dir.path() / "absent").string(), (dir.path() / "machine-id").string()};
  std::string config_path = (dir.path() / "config.toml").string();

  util::Result<std::string> id = LoadOrCreateSystemId(config_path, opts);
  ASSERT_OK(id);
  EXPECT_EQ(*id, SystemIdFromMachineId("0123456789abcdef0123456789abcdef"));
  std::filesystem::path file = dir.path() / ".runner_system_id";
  EXPECT_EQ(SystemIdPath(config_path), file.string());
  EXPECT_EQ(testutil::ReadFile(file), *id);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  // An existing valid id wins over the machine id.
  Write(file, "r_AbCdEf012345\n");
  util::Result<std::string> again = LoadOrCreateSystemId(config_path, opts);
  ASSERT_OK(again);
  EXPECT_EQ(*again, "r_AbCdEf012345");
}

TEST(SystemIdTest, InvalidFileIsRegeneratedAndNoMachineIdGivesRandom) {
  testutil::TempDir dir;
  std::filesystem::path file = dir.path() / ".runner_system_id";
  Write(file, "garbage");
  SystemIdOptions opts;
  opts.machine_id_files = {(dir.path() / "absent").string()};
  util::Result<std::string> id = LoadOrCreateSystemId((dir.path() / "config.toml").string(), opts);
  ASSERT_OK(id);
  EXPECT_EQ(id->substr(0, 2), "r_");
  EXPECT_TRUE(IsValidSystemId(*id));
  EXPECT_EQ(testutil::ReadFile(file), *id);
  util::Result<std::string> same = LoadOrCreateSystemId((dir.path() / "config.toml").string(), opts);
  ASSERT_OK(same);
  EXPECT_EQ(*same, *id);
}

}  // namespace
}  // namespace config
