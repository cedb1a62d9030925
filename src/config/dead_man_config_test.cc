// [runners.autoscaler] dead_man_switch_timeout: parsed as a Go duration, 30 minutes by
// default, 0 turns it off, a value too short to survive a few lost heartbeats is refused
// with the key named.
#include <gtest/gtest.h>

#include "config/parse.h"
#include "config/validate.h"
#include "util/testing/test_util.h"

namespace config {
namespace {

std::string Entry(const std::string& autoscaler_line) {
  return "concurrent = 1\n"
         "[[runners]]\n"
         "  name = \"a\"\n"
         "  url = \"https://gitlab.example.com\"\n"
         "  token = \"glrt-x\"\n"
         "  executor = \"docker-autoscaler\"\n"
         "  [runners.autoscaler]\n"
         "    plugin = \"aws\"\n" +
         autoscaler_line;
}

TEST(DeadManConfigTest, DefaultSetAndOff) {
  auto dflt = ParseConfig(Entry(""), "config.toml");
  ASSERT_OK(dflt);
  EXPECT_EQ(dflt->config.runners.at(0).autoscaler.dead_man_switch_timeout, std::chrono::minutes(30));
  auto set = ParseConfig(Entry("    dead_man_switch_timeout = \"6s\"\n"), "config.toml");
  ASSERT_OK(set);
  EXPECT_EQ(set->config.runners.at(0).autoscaler.dead_man_switch_timeout, std::chrono::seconds(6));
  auto off = ParseConfig(Entry("    dead_man_switch_timeout = \"0s\"\n"), "config.toml");
  ASSERT_OK(off);
  EXPECT_EQ(off->config.runners.at(0).autoscaler.dead_man_switch_timeout.count(), 0);
  EXPECT_OK(ValidateConfig(off->config));
}

TEST(DeadManConfigTest, TooShortIsRefusedWithTheKeyNamed) {
  auto parsed = ParseConfig(Entry("    dead_man_switch_timeout = \"2s\"\n"), "config.toml");
  util::Status s = parsed.ok() ? ValidateConfig(parsed->config) : parsed.status();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("dead_man_switch_timeout"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace config
