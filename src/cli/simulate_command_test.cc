#include "cli/simulate_command.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/common.h"
#include "util/testing/test_util.h"

namespace cli {
namespace {

constexpr const char* kAutoscalerConfig = R"(concurrent = 10

[[runners]]
  name = "sim"
  url = "https://gitlab.example.com"
  token = "glrt-simulated"
  executor = "docker-autoscaler"
  [runners.autoscaler]
    capacity_per_instance = 1
    max_instances = 50
    [[runners.autoscaler.policy]]
      idle_count = 2
      idle_time = "10m0s"
)";

class SimulateCommandTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    auto p = dir_.path() / name;
    std::ofstream(p) << text;
    return p.string();
  }
  // A small trace: a burst of 30 jobs, then a trickle.
  std::string Trace() {
    std::string csv = "job,arrival_s,run_s\n";
    for (int i = 0; i < 60; ++i)
      csv += std::to_string(i) + "," + std::to_string(i < 30 ? 1000 + i : 1000 + i * 90) + ",300\n";
    return Write("trace.csv", csv);
  }
  int Run(SimulateOptions o) {
    o.out = &out_;
    o.err = &err_;
    return RunSimulateCommand(o);
  }
  SimulateOptions Options(const std::string& trace, const std::string& config) {
    SimulateOptions o;
    o.trace_path = trace;
    o.config_path = config;
    return o;
  }

  testutil::TempDir dir_;
  std::ostringstream out_, err_;
};

TEST_F(SimulateCommandTest, JsonHasTheIssueKeys) {
  auto o = Options(Trace(), Write("config.toml", kAutoscalerConfig));
  o.json = true;
  ASSERT_EQ(Run(o), kExitOk) << err_.str();
  auto j = nlohmann::json::parse(out_.str());
  for (const char* key : {"jobs", "wait_p50_s", "wait_p95_s", "wait_p99_s", "wait_max_s", "instance_hours", "cost",
                          "peak_instances", "provider_calls"})
    EXPECT_TRUE(j.contains(key)) << key << " missing in " << out_.str();
  EXPECT_EQ(j["jobs"], 60);
  EXPECT_EQ(j["policy"], "default");
  EXPECT_GT(j["instance_hours"].get<double>(), 60 * 300 / 3600.0 - 1e-9);  // at least the jobs' run time
  EXPECT_GE(j["peak_instances"].get<int>(), 1);
  EXPECT_LE(j["peak_instances"].get<int>(), 50);
  EXPECT_GE(j["wait_max_s"].get<double>(), j["wait_p99_s"].get<double>());
  EXPECT_GE(j["wait_p99_s"].get<double>(), j["wait_p95_s"].get<double>());
  EXPECT_GE(j["wait_p95_s"].get<double>(), j["wait_p50_s"].get<double>());
}

TEST_F(SimulateCommandTest, AllPoliciesPrintATableAndPlots) {
  auto o = Options(Trace(), Write("config.toml", kAutoscalerConfig));
  o.policy = "all";
  o.boot_s = 30;
  o.seed = 5;
  o.plot_path = (dir_.path() / "run.svg").string();
  ASSERT_EQ(Run(o), kExitOk) << err_.str();
  std::string table = out_.str();
  for (const char* p : {"default", "docker-machine", "taskscaler", "clairvoyant"}) {
    EXPECT_NE(table.find(std::string("\n") + p + " "), std::string::npos) << p << " row missing:\n" << table;
    auto svg = dir_.path() / (std::string("run-") + p + ".svg");
    ASSERT_TRUE(std::filesystem::exists(svg)) << svg;
    EXPECT_NE(testutil::ReadFile(svg).find("<svg"), std::string::npos);
  }
  EXPECT_NE(table.find("seed 5 default fingerprint "), std::string::npos) << table;
}

TEST_F(SimulateCommandTest, BadRowNamesFileAndLine) {
  auto trace = Write("bad.csv", "arrival_s,run_s\n0,10\n5,ten\n");
  EXPECT_EQ(Run(Options(trace, Write("config.toml", kAutoscalerConfig))), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: " + trace + ":3: run_s \"ten\" is not a non-negative number\n");
}

TEST_F(SimulateCommandTest, ShortRowNamesFileAndLine) {
  auto trace = Write("short.csv", "id,arrival_s,run_s\n1,0,10\n\n2,4\n");
  EXPECT_EQ(Run(Options(trace, Write("config.toml", kAutoscalerConfig))), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: " + trace + ":4: want 3 columns, got 2\n");
}

TEST_F(SimulateCommandTest, MissingColumnIsAnError) {
  auto trace = Write("cols.csv", "arrival,run_s\n0,10\n");
  EXPECT_EQ(Run(Options(trace, Write("config.toml", kAutoscalerConfig))), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: " + trace + ":1: header needs the columns arrival_s and run_s\n");
}

TEST_F(SimulateCommandTest, IdleCountAboveLimitIsAClearError) {
  auto config = Write("machine.toml", R"(concurrent = 4
[[runners]]
  name = "dm"
  url = "https://gitlab.example.com"
  token = "glrt-x"
  executor = "docker+machine"
  limit = 5
  [runners.machine]
    IdleCount = 10
    IdleTime = 600
    MachineName = "m-%s"
)");
  EXPECT_EQ(Run(Options(Trace(), config)), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: " + config +
                            ": runner \"dm\": idle settings: idle_count 10 is above what max_instances 5 x "
                            "capacity_per_instance 1 can hold\n");
}

TEST_F(SimulateCommandTest, UnknownPolicyIsUsageError) {
  auto o = Options(Trace(), Write("config.toml", kAutoscalerConfig));
  o.policy = "fastest";
  EXPECT_EQ(Run(o), kExitUsage);
  EXPECT_NE(err_.str().find("unknown policy \"fastest\""), std::string::npos) << err_.str();
}

TEST_F(SimulateCommandTest, MissingTraceFileIsNamed) {
  auto missing = (dir_.path() / "nope.csv").string();
  EXPECT_EQ(Run(Options(missing, Write("config.toml", kAutoscalerConfig))), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: " + missing + ": cannot open\n");
}

TEST_F(SimulateCommandTest, UnwritablePlotIsAnError) {
  auto o = Options(Trace(), Write("config.toml", kAutoscalerConfig));
  o.plot_path = (dir_.path() / "no-such-dir" / "run.svg").string();
  EXPECT_EQ(Run(o), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: " + o.plot_path + ": cannot write the plot\n");
}

TEST_F(SimulateCommandTest, ParsesFlagsThroughCli11) {
  CLI::App app;
  int code = -1;
  AddSimulateCommand(app, code);
  auto trace = Trace();
  auto config = Write("config.toml", kAutoscalerConfig);
  std::vector<std::string> args = {"spotrunner", "simulate", "--trace", trace, "--config", config, "--policy",
                                   "taskscaler", "--boot-s", "45", "--json"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  // Output goes to the process's stdout here; only the exit code is checked.
  app.parse(static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(code, kExitOk);
  CLI::App bad;
  AddSimulateCommand(bad, code);
  std::vector<std::string> no_trace = {"spotrunner", "simulate", "--config", config};
  std::vector<char*> argv2;
  for (auto& a : no_trace) argv2.push_back(a.data());
  EXPECT_THROW(bad.parse(static_cast<int>(argv2.size()), argv2.data()), CLI::RequiredError);
}

}  // namespace
}  // namespace cli
