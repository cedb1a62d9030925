#include "cli/install_command.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cli/common.h"
#include "cli/service_unit.h"
#include "config/parse.h"
#include "config/write.h"
#include "util/testing/test_util.h"

namespace cli {
namespace {

namespace fs = std::filesystem;

// A host whose unit directories are scratch directories and whose systemctl records calls.
class ServiceCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(units_);
    fs::create_directories(package_units_);
    host_.unit_dir = units_.string();
    host_.package_unit_dirs = {package_units_.string()};
    host_.binary = "/usr/bin/spotrunner";
    host_.systemd_running = false;
    host_.init_name = "sh";
    host_.root = true;
    host_.systemctl = [this](const std::vector<std::string>& args) {
      calls_.push_back(args);
      auto it = answers_.find(args[0]);
      return it == answers_.end() ? ServiceHost::Output{0, ""} : it->second;
    };
  }
  InstallOptions Options() {
    InstallOptions o;
    o.user = "root";
    o.config = (dir_.path() / "etc" / "spotrunner" / "config.toml").string();
    o.working_directory = (dir_.path() / "work").string();
    return o;
  }
  int Install(const InstallOptions& o) { return RunInstall(o, host_, out_, err_); }
  std::vector<std::string> Entries(const fs::path& d) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(d)) names.push_back(e.path().filename().string());
    return names;
  }

  testutil::TempDir dir_;
  fs::path units_ = dir_.path() / "etc-systemd-system";
  fs::path package_units_ = dir_.path() / "lib-systemd-system";
  ServiceHost host_;
  std::map<std::string, ServiceHost::Output> answers_;
  std::vector<std::vector<std::string>> calls_;
  std::ostringstream out_, err_;
};

TEST_F(ServiceCommandTest, WithoutSystemdInstallWritesTheUnitAndConfigAndSaysItCouldNotEnable) {
  InstallOptions o = Options();
  EXPECT_EQ(Install(o), kExitNoSystemd);
  ServiceUnitOptions uo;
  uo.binary = "/usr/bin/spotrunner";
  uo.config = o.config;
  uo.working_directory = o.working_directory;
  uo.job_user = "root";
  EXPECT_EQ(testutil::ReadFile(units_ / "spotrunner.service"), *RenderServiceUnit(uo));
  EXPECT_EQ(fs::status(units_ / "spotrunner.service").permissions(), fs::perms(0644));
  EXPECT_EQ(fs::status(o.config).permissions(), fs::perms(0600));
  EXPECT_EQ(fs::status(fs::path(o.config).parent_path()).permissions(), fs::perms(0700));
  EXPECT_OK(config::LoadConfigFile(o.config));
  EXPECT_NE(err_.str().find("WARNING: the spotrunner service could not be enabled: systemd is not running on this "
                            "machine (PID 1 is \"sh\")"),
            std::string::npos)
      << err_.str();
  EXPECT_NE(err_.str().find("/usr/bin/spotrunner run --config " + o.config), std::string::npos);
  EXPECT_TRUE(calls_.empty());
  EXPECT_EQ(Entries(units_), std::vector<std::string>{"spotrunner.service"});  // no temporary files left
}

TEST_F(ServiceCommandTest, WithSystemdInstallEnablesTheUnit) {
  host_.systemd_running = true;
  EXPECT_EQ(Install(Options()), kExitOk) << err_.str();
  EXPECT_EQ(calls_, (std::vector<std::vector<std::string>>{{"daemon-reload"}, {"enable", "spotrunner.service"}}));
  EXPECT_NE(out_.str().find("Enabled spotrunner.service"), std::string::npos) << out_.str();
}

TEST_F(ServiceCommandTest, AnExistingConfigIsKeptAsItIs) {
  InstallOptions o = Options();
  fs::create_directories(fs::path(o.config).parent_path());
  std::ofstream(o.config) << "concurrent = 4\n";
  EXPECT_EQ(Install(o), kExitNoSystemd);
  EXPECT_EQ(testutil::ReadFile(o.config), "concurrent = 4\n");
  EXPECT_EQ(out_.str().find("Created"), std::string::npos);
}

TEST_F(ServiceCommandTest, AnExistingUnitIsNotTouched) {
  std::ofstream(units_ / "spotrunner.service") << "old\n";
  InstallOptions o = Options();
  EXPECT_EQ(Install(o), kExitFailure);
  EXPECT_EQ(err_.str(), "ERROR: the unit " + (units_ / "spotrunner.service").string() +
                            " already exists; remove it with `spotrunner uninstall` first, or install under another "
                            "name with --service\n");
  EXPECT_EQ(testutil::ReadFile(units_ / "spotrunner.service"), "old\n");
  EXPECT_FALSE(fs::exists(fs::path(o.config).parent_path()));
}

TEST_F(ServiceCommandTest, APackagedUnitOfTheSameNameCounts) {
  std::ofstream(package_units_ / "spotrunner.service") << "[Unit]\n";
  EXPECT_EQ(Install(Options()), kExitFailure);
  EXPECT_NE(err_.str().find("is already installed by a package"), std::string::npos) << err_.str();
  EXPECT_TRUE(Entries(units_).empty());
  // Another name is fine.
  InstallOptions o = Options();
  o.service = "spotrunner-2";
  EXPECT_EQ(Install(o), kExitNoSystemd);
  EXPECT_NE(testutil::ReadFile(units_ / "spotrunner-2.service").find("--service spotrunner-2\n"), std::string::npos);
}

TEST_F(ServiceCommandTest, AConfigPathThatCannotBeWrittenLeavesNothingBehind) {
  std::ofstream(dir_.path() / "a-file") << "x";
  InstallOptions o = Options();
  o.config = (dir_.path() / "a-file" / "config.toml").string();
  EXPECT_EQ(Install(o), kExitFailure);
  EXPECT_NE(err_.str().find(o.config), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("Not a directory; nothing was installed"), std::string::npos) << err_.str();
  EXPECT_TRUE(Entries(units_).empty());
}

TEST_F(ServiceCommandTest, AUnitThatCannotBeWrittenTakesBackTheNewConfig) {
  host_.unit_dir = "/proc/self";  // a directory no file can be created in, even by root
  InstallOptions o = Options();
  EXPECT_EQ(Install(o), kExitFailure);
  EXPECT_NE(err_.str().find("/proc/self/spotrunner.service"), std::string::npos) << err_.str();
  EXPECT_FALSE(fs::exists(o.config));
  EXPECT_FALSE(fs::exists(dir_.path() / "etc"));  // the directories it made are gone too
}

TEST_F(ServiceCommandTest, AnInvalidExistingConfigStopsTheInstall) {
  InstallOptions o = Options();
  fs::create_directories(fs::path(o.config).parent_path());
  std::ofstream(o.config) << "concurrent = \"many\"\n";
  EXPECT_EQ(Install(o), kExitFailure);
  EXPECT_NE(err_.str().find(o.config + ":1:"), std::string::npos) << err_.str();
  EXPECT_TRUE(Entries(units_).empty());
}

TEST_F(ServiceCommandTest, RootMustNameTheUserAndTheUserMustExist) {
  InstallOptions o = Options();
  o.user = "";
  EXPECT_EQ(Install(o), kExitUsage);
  EXPECT_NE(err_.str().find("specify the user the spotrunner service runs its shell jobs as with --user"),
            std::string::npos);
  o.user = "no-such-user-here";
  EXPECT_EQ(Install(o), kExitFailure);
  EXPECT_NE(err_.str().find("ERROR: --user: user \"no-such-user-here\" does not exist on this machine"),
            std::string::npos)
      << err_.str();
  o.user = "root";
  o.service = "bad name";
  EXPECT_EQ(Install(o), kExitUsage);
  EXPECT_TRUE(Entries(units_).empty());
  EXPECT_FALSE(fs::exists(o.config));
}

TEST_F(ServiceCommandTest, AFailedEnableIsReportedAndTheUnitCanBeUninstalled) {
  host_.systemd_running = true;
  answers_["enable"] = {1, "Failed to enable unit: Unit file spotrunner.service is masked.\n"};
  EXPECT_EQ(Install(Options()), kExitFailure);
  EXPECT_NE(err_.str().find("ERROR: systemctl enable spotrunner.service failed (exit 1): Failed to enable unit: Unit "
                            "file spotrunner.service is masked."),
            std::string::npos)
      << err_.str();
  calls_.clear();
  EXPECT_EQ(RunUninstall("spotrunner", host_, out_, err_), kExitOk);
  EXPECT_EQ(calls_, (std::vector<std::vector<std::string>>{{"disable", "spotrunner.service"}, {"daemon-reload"}}));
  EXPECT_FALSE(fs::exists(units_ / "spotrunner.service"));
}

TEST_F(ServiceCommandTest, UninstallWithoutSystemdRemovesTheUnit) {
  EXPECT_EQ(Install(Options()), kExitNoSystemd);
  EXPECT_EQ(RunUninstall("spotrunner", host_, out_, err_), kExitOk);
  EXPECT_TRUE(Entries(units_).empty());
  EXPECT_EQ(RunUninstall("spotrunner", host_, out_, err_), kExitFailure);
  EXPECT_NE(err_.str().find("ERROR: the spotrunner service is not installed"), std::string::npos) << err_.str();
}

TEST_F(ServiceCommandTest, WithoutSystemdStartStopStatusSaySoAndDoNothing) {
  for (const char* action : {"start", "stop", "restart"}) {
    err_.str("");
    EXPECT_EQ(RunServiceAction(action, "spotrunner", host_, out_, err_), kExitNoSystemd);
    EXPECT_EQ(err_.str(), std::string("ERROR: cannot ") + action +
                              " the spotrunner service: systemd is not running on this machine (PID 1 is \"sh\"). "
                              "Run the runner in the foreground instead: spotrunner run (SIGQUIT stops it "
                              "gracefully)\n");
  }
  err_.str("");
  EXPECT_EQ(RunServiceStatus("spotrunner", host_, out_, err_), kExitNoSystemd);
  EXPECT_EQ(err_.str(), "spotrunner: status unknown: systemd is not running on this machine (PID 1 is \"sh\")\n");
  EXPECT_TRUE(calls_.empty());
}

TEST_F(ServiceCommandTest, WithSystemdTheActionsAreSystemctlCalls) {
  host_.systemd_running = true;
  EXPECT_EQ(RunServiceAction("stop", "spotrunner", host_, out_, err_), kExitOk);
  EXPECT_EQ(calls_, (std::vector<std::vector<std::string>>{{"stop", "spotrunner.service"}}));
  answers_["start"] = {5, "Failed to start spotrunner.service: Unit spotrunner.service not found.\n"};
  EXPECT_EQ(RunServiceAction("start", "spotrunner", host_, out_, err_), kExitFailure);
  EXPECT_NE(err_.str().find("systemctl start spotrunner.service failed (exit 5): Failed to start"), std::string::npos);

  answers_["is-active"] = {0, "active\n"};
  EXPECT_EQ(RunServiceStatus("spotrunner", host_, out_, err_), kExitOk);
  EXPECT_EQ(out_.str().substr(out_.str().rfind("spotrunner:")), "spotrunner: Service is running\n");
  std::ofstream(units_ / "spotrunner.service") << "[Unit]\n";
  answers_["is-active"] = {3, "inactive\n"};
  EXPECT_EQ(RunServiceStatus("spotrunner", host_, out_, err_), kExitFailure);
  EXPECT_NE(err_.str().find("spotrunner: Service has stopped\n"), std::string::npos);
  fs::remove(units_ / "spotrunner.service");
  EXPECT_EQ(RunServiceStatus("spotrunner", host_, out_, err_), kExitFailure);
  EXPECT_NE(err_.str().find("spotrunner: Service is not installed\n"), std::string::npos);
}

TEST(PackageDefaults, ThePackagesConfigIsWhatInstallWrites) {
  // packaging/config.toml becomes /etc/spotrunner/config.toml on a package's first install.
  auto text = config::FormatConfig(config::Config{});
  ASSERT_OK(text);
  EXPECT_EQ(testutil::ReadFile(testutil::SourceDir() / "packaging" / "config.toml"), *text);
}

}  // namespace
}  // namespace cli
