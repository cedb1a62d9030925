#include "cli/service_unit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cloud/local/host_command.h"
#include "util/testing/test_util.h"

namespace cli {
namespace {

TEST(ServiceUnit, PackageCopyIsTheRenderedDefault) {
  // packaging/spotrunner.service is what `make deb` ships; it must not drift from install's.
  auto unit = RenderServiceUnit(ServiceUnitOptions{});
  ASSERT_OK(unit);
  EXPECT_EQ(*unit, testutil::ReadFile(testutil::SourceDir() / "packaging" / "spotrunner.service"));
}

TEST(ServiceUnit, StopIsGracefulAndBoundedAndLogsGoToTheJournal) {
  ServiceUnitOptions o;
  o.name = "runner-2";
  o.binary = "/opt/sr/bin/spotrunner";
  o.config = "/srv/ci/config.toml";
  o.working_directory = "/srv/ci";
  o.job_user = "ci";
  auto unit = RenderServiceUnit(o);
  ASSERT_OK(unit);
  EXPECT_NE(unit->find("\nExecStart=/opt/sr/bin/spotrunner run --config /srv/ci/config.toml "
                       "--working-directory /srv/ci --service runner-2 --user ci\n"),
            std::string::npos)
      << *unit;
  EXPECT_NE(unit->find("\nKillSignal=SIGQUIT\n"), std::string::npos);
  EXPECT_NE(unit->find("\nKillMode=mixed\n"), std::string::npos);  // jobs' processes get no SIGQUIT
  EXPECT_NE(unit->find("\nTimeoutStopSec=7200\n"), std::string::npos);
  EXPECT_EQ(unit->find("User="), std::string::npos);  // root: config.toml stays out of the jobs' reach
  EXPECT_NE(unit->find("\nSyslogIdentifier=runner-2\n"), std::string::npos);
  EXPECT_EQ(unit->find("StandardOutput"), std::string::npos);  // the default: the journal
  o.job_user = "root";
  EXPECT_EQ(RenderServiceUnit(o)->find("--user"), std::string::npos);
  o.service_user = "ci";  // installed by ci itself, without root
  EXPECT_NE(RenderServiceUnit(o)->find("\nUser=ci\n"), std::string::npos);
}

TEST(ServiceUnit, PathsAreQuotedForSystemd) {
  ServiceUnitOptions o;
  o.config = "/etc/my runner/50%$x\".toml";
  auto unit = RenderServiceUnit(o);
  ASSERT_OK(unit);
  EXPECT_NE(unit->find(R"(--config "/etc/my runner/50%%$$x\".toml" )"), std::string::npos) << *unit;
}

TEST(ServiceUnit, BadValuesAreRefusedByName) {
  ServiceUnitOptions o;
  o.config = "config.toml";
  EXPECT_EQ(RenderServiceUnit(o).status().message(), "config file \"config.toml\" is not an absolute path");
  o = {};
  o.name = "my runner";
  EXPECT_EQ(RenderServiceUnit(o).status().message(), "service name \"my runner\" may hold only letters, digits and :_.-");
  o = {};
  o.working_directory = "/srv/a\nb";
  EXPECT_EQ(RenderServiceUnit(o).status().message(), "working directory \"/srv/a\nb\" holds a control character");
}

// systemd-analyze verify prints what it dislikes and still exits 0 for many complaints, so
// the check is: exit 0 and nothing printed.
std::string Verify(const std::string& unit_text, const testutil::TempDir& dir) {
  std::filesystem::path p = dir.path() / "spotrunner-test.service";
  std::ofstream(p) << unit_text;
  auto r = cloud::local::RunCommand({"systemd-analyze", "verify", p.string()}, std::chrono::seconds(60));
  EXPECT_OK(r);
  if (!r.ok()) return "could not run systemd-analyze";
  EXPECT_NE(r->exit_code, 127) << "systemd-analyze is missing: install Debian's systemd (scripts/deps.sh)";
  return r->exit_code == 0 ? r->output : "exit " + std::to_string(r->exit_code) + ": " + r->output;
}

ServiceUnitOptions VerifiableOptions(const testutil::TempDir& dir) {
  ServiceUnitOptions o;
  o.binary = std::filesystem::read_symlink("/proc/self/exe").string();  // verify wants an executable
  o.config = (dir.path() / "config.toml").string();
  o.working_directory = dir.path().string();
  return o;
}

TEST(ServiceUnit, PassesSystemdAnalyzeVerify) {
  testutil::TempDir dir;
  ServiceUnitOptions o = VerifiableOptions(dir);
  EXPECT_EQ(Verify(*RenderServiceUnit(o), dir), "");
  o.job_user = "gitlab-runner";
  EXPECT_EQ(Verify(*RenderServiceUnit(o), dir), "");
}

TEST(ServiceUnit, VerifyCatchesABrokenUnit) {
  // The check above can fail: a bad setting is reported.
  testutil::TempDir dir;
  std::string unit = *RenderServiceUnit(VerifiableOptions(dir));
  unit.replace(unit.find("KillMode=mixed"), 14, "KillMode=gentle");
  EXPECT_NE(Verify(unit, dir).find("gentle"), std::string::npos);
}

}  // namespace
}  // namespace cli
