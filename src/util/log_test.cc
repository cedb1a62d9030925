#include "util/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "util/log_format.h"
#include "util/testing/test_util.h"

namespace util {
namespace {

// A logger writing into a string through the formatter of `format`.
class FormatTest : public ::testing::Test {
 protected:
  spdlog::logger& Logger(const std::string& format) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto f = NewLogFormatter(format);
    EXPECT_OK(f);
    sink->set_formatter(std::move(*f));
    logger_ = std::make_unique<spdlog::logger>("test", sink);
    logger_->set_level(spdlog::level::trace);
    return *logger_;
  }
  std::vector<std::string> Lines() {
    std::vector<std::string> lines;
    std::istringstream in(out_.str());
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    return lines;
  }
  std::ostringstream out_;
  std::unique_ptr<spdlog::logger> logger_;
};

const std::regex kRfc3339Nano(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z)");

TEST_F(FormatTest, JsonHasLogrusKeysSortedWithFieldsAndNumbers) {
  Logger("json").info("Job {} succeeded{}", 12, LogFields({{"runner", "ab12"}, {"job", 12}, {"duration_s", "4.5"}}));
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j.size(), 6u) << lines[0];
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg"], "Job 12 succeeded");
  EXPECT_EQ(j["job"], 12);  // a number, as logrus writes an int field
  EXPECT_EQ(j["runner"], "ab12");
  EXPECT_EQ(j["duration_s"], "4.5");
  EXPECT_TRUE(std::regex_match(j["time"].get<std::string>(), kRfc3339Nano)) << j["time"];
  // Go marshals a map with its keys sorted; logrus' lines read the same.
  EXPECT_EQ(lines[0].rfind(R"({"duration_s":"4.5","job":12,"level":"info","msg":"Job 12 succeeded","runner":"ab12","time":")", 0), 0u)
      << lines[0];
}

TEST_F(FormatTest, JsonLevelNamesAreLogrusAndBuiltInKeysAreNotOverwritten) {
  auto& l = Logger("json");
  l.debug("d");
  l.warn("w{}", LogFields({{"level", "mine"}, {"msg", "mine too"}}));
  l.error("e");
  l.critical("c");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(nlohmann::json::parse(lines[0])["level"], "debug");
  auto w = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(w["level"], "warning");
  EXPECT_EQ(w["msg"], "w");
  EXPECT_EQ(w["fields.level"], "mine");
  EXPECT_EQ(w["fields.msg"], "mine too");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["level"], "error");
  EXPECT_EQ(nlohmann::json::parse(lines[3])["level"], "fatal");
}

TEST_F(FormatTest, JsonEscapesQuotesNewlinesAndInvalidUtf8) {
  Logger("json").info("say \"hi\"\nthen\t\\ \xff end{}", LogFields({{"path", "a\"b"}}));
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u) << out_.str();  // the newline in the message stays inside the object
  auto j = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j["msg"], "say \"hi\"\nthen\t\\ \xef\xbf\xbd end");
  EXPECT_EQ(j["path"], "a\"b");
}

TEST_F(FormatTest, TextIsLogrusKeyValueLines) {
  Logger("text").warn("Checking for jobs... failed{}", LogFields({{"runner", "ab12"}, {"job", 7}, {"status", "couldn't execute"}}));
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(lines[0], m, std::regex(R"re(time="([^"]+)" (.*))re"))) << lines[0];
  EXPECT_TRUE(std::regex_match(m[1].str(), kRfc3339Nano));
  EXPECT_EQ(m[2].str(), R"(level=warning msg="Checking for jobs... failed" job=7 runner=ab12 status="couldn't execute")");
}

TEST_F(FormatTest, RunnerFormatKeepsTimeLevelMessageThenSortedFields) {
  auto& l = Logger("runner");
  l.info("Job {} succeeded{}", 3, LogFields({{"runner", "ab12"}, {"job", 3}}));
  l.warn("plain");
  auto lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  const std::string stamp = R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} )";
  EXPECT_TRUE(std::regex_match(lines[0], std::regex(stamp + "info  Job 3 succeeded  job=3 runner=ab12"))) << lines[0];
  EXPECT_TRUE(std::regex_match(lines[1], std::regex(stamp + "warning plain"))) << lines[1];
}

TEST(LogFormat, UnknownNamesAreRejectedWithTheValidOnes) {
  EXPECT_EQ(NewLogFormatter("xml").status().message(), "log format \"xml\" is not one of runner, text, json");
  EXPECT_EQ(ParseLogLevel("loud").status().message(),
            "log level \"loud\" is not one of debug, info, warn, error, fatal, panic");
  EXPECT_EQ(*ParseLogLevel("warning"), spdlog::level::warn);
  EXPECT_EQ(*ParseLogLevel("panic"), spdlog::level::critical);
  EXPECT_EQ(*ParseLogLevel("DEBUG"), spdlog::level::debug);  // logrus ignores case
}

TEST(LogFormat, Rfc3339NanoDropsTrailingZeros) {
  using std::chrono::nanoseconds;
  std::chrono::system_clock::time_point t0{};
  EXPECT_EQ(FormatRfc3339Nano(t0 + std::chrono::seconds(1767323045)), "2026-01-02T03:04:05Z");
  EXPECT_EQ(FormatRfc3339Nano(t0 + std::chrono::seconds(1767323045) + std::chrono::milliseconds(500)),
            "2026-01-02T03:04:05.5Z");
  EXPECT_EQ(FormatRfc3339Nano(t0 + std::chrono::seconds(1) + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                                 std::chrono::microseconds(123456))),
            "1970-01-01T00:00:01.123456Z");
}

// The process logger: the command line decides first, config.toml fills in the rest.
class ProcessLoggingTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(ConfigureLoggingFromCommandLine("", false, "")); }
  void TearDown() override {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), capture_), sinks.end());
    EXPECT_OK(ConfigureLoggingFromCommandLine("", false, ""));
  }
  // Captures what the process logger writes, through whatever formatter it gets next.
  void Capture() {
    capture_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    spdlog::default_logger()->sinks().push_back(capture_);
  }
  std::ostringstream out_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> capture_;
};

TEST_F(ProcessLoggingTest, CommandLineFormatAndLevelWinOverConfig) {
  Capture();
  ASSERT_OK(ConfigureLoggingFromCommandLine("warn", false, "json"));
  ASSERT_OK(ConfigureLoggingFromConfig("debug", "runner"));
  spdlog::info("not shown");
  spdlog::warn("shown");
  auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["msg"], "shown");
  EXPECT_EQ(j["level"], "warning");
}

TEST_F(ProcessLoggingTest, ConfigAppliesWhereTheCommandLineSaidNothing) {
  Capture();
  ASSERT_OK(ConfigureLoggingFromConfig("debug", "json"));
  spdlog::debug("from config");
  auto j = nlohmann::json::parse(out_.str());
  EXPECT_EQ(j["msg"], "from config");
  EXPECT_EQ(j["level"], "debug");
}

TEST_F(ProcessLoggingTest, DebugFlagWinsOverLogLevel) {
  Capture();
  ASSERT_OK(ConfigureLoggingFromCommandLine("error", true, "json"));
  ASSERT_OK(ConfigureLoggingFromConfig("warn", ""));
  spdlog::debug("seen");
  EXPECT_EQ(nlohmann::json::parse(out_.str())["msg"], "seen");
}

TEST_F(ProcessLoggingTest, BadValuesNameWhereTheyCameFrom) {
  EXPECT_EQ(ConfigureLoggingFromCommandLine("loud", false, "").message(),
            "--log-level: log level \"loud\" is not one of debug, info, warn, error, fatal, panic");
  EXPECT_EQ(ConfigureLoggingFromCommandLine("", false, "xml").message(),
            "--log-format: log format \"xml\" is not one of runner, text, json");
  EXPECT_EQ(ConfigureLoggingFromConfig("", "yaml").message(),
            "config.toml log_format: log format \"yaml\" is not one of runner, text, json");
}

}  // namespace
}  // namespace util
