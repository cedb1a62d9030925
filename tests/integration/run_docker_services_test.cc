// Services and allow-lists of the docker executor, through `register` and `run` against the
// real Docker Engine started by scripts/services.sh (no default bridge: a job with services
// gets a network of its own). The service image is spotrunner-service:local (busybox httpd on
// an exposed port 80, serving "spotrunner-service-ok").
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "config/parse.h"
#include "config/system_id.h"
#include "gitlab/token.h"
#include "tests/integration/harness.h"
#include "tests/integration/host_probe.h"
#include "tests/integration/runner_process.h"

namespace itest {
namespace {

using coordinator::JobState;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr char kServiceImage[] = "spotrunner-service:local";
constexpr char kDocker[] = "curl -sS --unix-socket /var/run/docker.sock ";

// How many containers (all states) / networks carry `label` ("key" or "key=value").
int Count(const std::string& what, const std::string& label) {
  std::string filter = "%7B%22label%22%3A%5B%22" + label + "%22%5D%7D";
  std::string path = what == "containers" ? "/containers/json?all=1&filters=" : "/networks?filters=";
  std::string out = Sh(std::string(kDocker) + "'http://localhost" + path + filter + "'");
  int n = 0;
  for (size_t i = out.find("\"Id\""); i != std::string::npos; i = out.find("\"Id\"", i + 1)) ++n;
  return n;
}

// Containers and networks this runner made that are still there once the job is over (the
// executor removes them right after the final update), within `seconds`.
int LeftAfterJob(const std::string& short_token, int seconds = 30) {
  const std::string label = "com.spotrunner.runner.short_token%3D" + short_token;
  int left = 0;
  WaitUntil([&] { return (left = Count("containers", label) + Count("networks", label)) == 0; },
            std::chrono::seconds(seconds));
  return left;
}

json Service(const std::string& name, const std::string& alias = "") {
  json s = {{"name", name}};
  if (!alias.empty()) s["alias"] = alias;
  return s;
}

class RunDockerServicesTest : public ::testing::Test {
 protected:
  // `docker`: lines added to [runners.docker]; `tables`: lines after it (other tables);
  // `volumes`: replaces the `volumes = ["/cache"]` line register wrote.
  void Start(const std::string& docker = "", const std::string& tables = "", const std::string& volumes = "") {
    h_ = std::make_unique<RunnerHarness>("docker", "alpine:latest");
    ASSERT_EQ(h_->register_exit(), 0) << h_->register_output();
    std::string text = testutil::ReadFile(h_->config_path());
    auto pos = text.find("[runners.docker]");
    ASSERT_NE(pos, std::string::npos) << text;
    text.insert(pos + 16, "\n" + docker + "\n");
    if (!volumes.empty()) {
      const std::string registered = "volumes = [\"/cache\"]";
      auto v = text.find(registered);
      ASSERT_NE(v, std::string::npos) << text;
      text.replace(v, registered.size(), volumes);
    }
    text += "\n" + tables + "\n";
    FILE* f = std::fopen(h_->config_path().c_str(), "w");
    std::fputs(text.c_str(), f);
    std::fclose(f);
    auto loaded = config::LoadConfigFile(h_->config_path());
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString() << "\n" << text;
    short_token_ = gitlab::ShortToken(loaded->config.runners.at(0).token);
    h_->StartManager();
  }
  coordinator::JobRecord Run(coordinator::JobSpec spec, int seconds = 120) {
    return h_->Wait(h_->Enqueue(std::move(spec)), seconds);
  }
  std::unique_ptr<RunnerHarness> h_;
  std::string short_token_;
};

TEST_F(RunDockerServicesTest, JobReachesTheServiceByEveryAlias) {
  // An image name with a path, for the aliases gitlab-runner derives from it.
  Sh(std::string(kDocker) + "-X POST 'http://localhost/images/" + kServiceImage +
     "/tag?repo=spotrunner-test/web&tag=local'");
  Start();
  auto spec = RunnerHarness::Spec({
      "for h in spotrunner-test__web spotrunner-test-web web www2 third; do echo \"$h:$(wget -qO- http://$h/)\"; done",
      "wget -qO- http://web/env.txt | sed 's/^/svcenv:/'",
  });
  json svc = Service("spotrunner-test/web:local", "web, www2 third");
  svc["entrypoint"] = {"sh", "-c"};
  svc["command"] = {"env > /www/env.txt; exec httpd -f -p 80 -h /www"};
  svc["variables"] = {{{"key", "SVC_OWN"}, {"value", "own-$PUBLIC_ONE"}}};
  spec.services = json::array({svc});
  spec.variables.push_back({"PUBLIC_ONE", "pub", true, false, false, false});
  spec.variables.push_back({"SECRET_ONE", "hidden", false, false, false, false});
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  for (const char* host : {"spotrunner-test__web", "spotrunner-test-web", "web", "www2", "third"}) {
    EXPECT_NE(job.trace.find(std::string(host) + ":spotrunner-service-ok"), std::string::npos) << host << job.trace;
  }
  EXPECT_NE(job.trace.find("Starting service spotrunner-test/web:local..."), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("Waiting for services to be up and running (timeout 30 seconds)..."), std::string::npos);
  EXPECT_EQ(job.trace.find("probably didn't start properly"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("svcenv:SVC_OWN=own-pub"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("svcenv:PUBLIC_ONE=pub"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("svcenv:CI_JOB_ID="), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("svcenv:SECRET_ONE"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
  Sh(std::string(kDocker) + "-X DELETE 'http://localhost/images/spotrunner-test/web:local'");
}

// As gitlab-runner: an alias already taken is skipped with a warning; a service left with no
// name at all is not started.
TEST_F(RunDockerServicesTest, CollidingAliasIsSkippedWithAWarning) {
  Start();
  auto spec = RunnerHarness::Spec({"echo \"web:$(wget -qO- http://web/) other:$(wget -qO- http://other/)\""});
  json second = Service(kServiceImage, "web,other");
  second["command"] = {"sh", "-c", "echo second > /www/index.html; exec httpd -f -p 80 -h /www"};
  spec.services = json::array({Service(kServiceImage, "web"), second, Service(kServiceImage, "web")});
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("WARNING: Skipping alias \"web\" for service \"spotrunner-service:local\" (services[1]): "
                           "alias is already in use by another service."),
            std::string::npos)
      << job.trace;
  EXPECT_NE(job.trace.find("web:spotrunner-service-ok other:second"), std::string::npos) << job.trace;
  size_t starts = 0;
  for (size_t i = job.trace.find("Starting service "); i != std::string::npos; i = job.trace.find("Starting service ", i + 1)) {
    ++starts;
  }
  EXPECT_EQ(starts, 2u) << "the third service has no name left" << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, ConfigServicesAreStartedForEveryJob) {
  Start("    allowed_services = [\"nothing-allowed:*\"]",
        "  [[runners.docker.services]]\n    name = \"spotrunner-service:local\"\n    alias = \"cfgsvc\"\n");
  auto job = Run(RunnerHarness::Spec({"echo \"cfg:$(wget -qO- http://cfgsvc/)\""}));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("cfg:spotrunner-service-ok"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, ServiceThatNeverListensWarnsAndTheJobRuns) {
  Start("    wait_for_services_timeout = 3");
  auto spec = RunnerHarness::Spec({"echo job-ran"});
  json svc = Service(kServiceImage, "quiet");
  svc["command"] = {"sh", "-c", "echo never-listening-log; sleep 300"};
  spec.services = json::array({svc});
  auto t0 = std::chrono::steady_clock::now();
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("Waiting for services to be up and running (timeout 3 seconds)..."), std::string::npos);
  EXPECT_NE(job.trace.find("*** WARNING:\x1b[0;m Service "), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("probably didn't start properly."), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("-wait-for-service\" timeout"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("Health check container logs:"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("waiting for TCP connection to "), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("Service container logs:"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("never-listening-log"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("job-ran"), std::string::npos) << job.trace;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 60s);
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, MissingServiceImageFailsWithOneLine) {
  Start();
  auto spec = RunnerHarness::Spec({"echo should-not-run"});
  spec.services = json::array({Service("spotrunner-no-such-service:never")});
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.failure_reason, "runner_system_failure") << job.trace;
  size_t err = job.trace.find("ERROR: Job failed (system failure): ");
  ASSERT_NE(err, std::string::npos) << job.trace;
  std::string line = job.trace.substr(err, job.trace.find('\n', err) - err);
  EXPECT_NE(line.find("spotrunner-no-such-service:never"), std::string::npos) << line;
  EXPECT_EQ(job.trace.find("ERROR: Job failed", err + 1), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("should-not-run\n"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, CancelRemovesServicesAndNetwork) {
  Start();
  // Output keeps the trace updates (which carry the cancel) coming.
  auto spec = RunnerHarness::Spec({"echo job-started; while true; do echo tick; sleep 0.5; done"});
  spec.services = json::array({Service(kServiceImage, "web")});
  int64_t id = h_->Enqueue(spec);
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto j = h_->coord().GetJob(id);
        return j.ok() && j->trace.find("job-started\n") != std::string::npos;
      },
      60s));
  EXPECT_GE(Count("containers", "com.spotrunner.role%3Dservice"), 1);
  ASSERT_TRUE(h_->coord().CancelJob(id, false).ok());
  auto job = h_->Wait(id, 60);
  EXPECT_EQ(job.state, JobState::kCanceled) << job.trace;
  EXPECT_NE(job.trace.find("script canceled externally"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, FailedJobLeavesNothing) {
  Start();
  auto spec = RunnerHarness::Spec({"wget -qO- http://web/", "exit 4"});
  spec.services = json::array({Service(kServiceImage, "web")});
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_EQ(job.exit_code.value_or(0), 4);
  EXPECT_NE(job.trace.find("spotrunner-service-ok"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, ImageOffAllowedImagesFailsBeforeAnythingRuns) {
  Start("    allowed_images = [\"ruby:*\", \"**/python:*\"]");
  auto spec = RunnerHarness::Spec({"echo should-not-run"});
  spec.image = json{{"name", "alpine:3.19"}};
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_NE(job.trace.find("The \"alpine:3.19\" image is not present on list of allowed images:"), std::string::npos)
      << job.trace;
  EXPECT_NE(job.trace.find("- ruby:*\n- **/python:*\n"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("Using Docker executor"), std::string::npos) << job.trace;
  EXPECT_EQ(job.trace.find("should-not-run\n"), std::string::npos) << job.trace;

  // The default image is always allowed.
  auto ok = Run(RunnerHarness::Spec({"echo default-image-ran"}));
  EXPECT_EQ(ok.state, JobState::kSuccess) << ok.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, ServiceOffAllowedServicesFailsBeforeAnythingRuns) {
  Start("    allowed_services = [\"postgres:*\"]");
  auto spec = RunnerHarness::Spec({"echo should-not-run"});
  spec.services = json::array({Service(kServiceImage)});
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_NE(job.trace.find("The \"spotrunner-service:local\" image is not present on list of allowed services:"),
            std::string::npos)
      << job.trace;
  EXPECT_EQ(job.trace.find("Using Docker executor"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, UserOffAllowedUsersFails) {
  Start("    allowed_users = [\"root\"]");
  auto spec = RunnerHarness::Spec({"echo should-not-run"});
  spec.image = json{{"name", "alpine:latest"}, {"executor_opts", {{"docker", {{"user", "nobody"}}}}}};
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kFailed) << job.trace;
  EXPECT_NE(job.trace.find("user \"nobody\" is not an allowed user: [root]"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

// Privileged mode reaches only images on allowed_privileged_images (mounting needs it).
// This host refuses privileged containers (runc: "unable to apply caps"): a container that
// was asked to be privileged either mounts (elsewhere) or fails to start with that error;
// one that was not runs, unable to mount.
bool RanPrivileged(const coordinator::JobRecord& job) {
  return job.trace.find("priv=yes") != std::string::npos ||
         (job.state == JobState::kFailed && job.trace.find("unable to apply caps") != std::string::npos);
}

TEST_F(RunDockerServicesTest, PrivilegedOnlyForListedImages) {
  Start("    privileged = true\n    allowed_privileged_images = [\"spotrunner-service:*\"]");
  const char* probe = "if mount -t tmpfs none /mnt 2>/dev/null; then echo priv=yes; else echo priv=no; fi";
  auto unlisted = RunnerHarness::Spec({probe});
  unlisted.image = json{{"name", "alpine:latest"}};
  auto job = Run(unlisted);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("priv=no"), std::string::npos) << job.trace;

  auto listed = RunnerHarness::Spec({probe});
  listed.image = json{{"name", kServiceImage}};
  job = Run(listed);
  EXPECT_TRUE(RanPrivileged(job)) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

TEST_F(RunDockerServicesTest, PrivilegedServicesOnlyForListedServices) {
  Start("    privileged = true\n    allowed_privileged_images = [\"none-privileged:*\"]\n"
        "    allowed_privileged_services = [\"spotrunner-test/priv:*\"]");
  Sh(std::string(kDocker) + "-X POST 'http://localhost/images/" + kServiceImage +
     "/tag?repo=spotrunner-test/priv&tag=local'");
  auto probe = [](const std::string& image) {
    json svc = Service(image, "svc");
    svc["entrypoint"] = {"sh", "-c"};
    svc["command"] = {
        "if mount -t tmpfs none /mnt 2>/dev/null; then echo priv=yes; else echo priv=no; fi > /www/index.html; "
        "exec httpd -f -p 80 -h /www"};
    auto spec = RunnerHarness::Spec({"wget -qO- http://svc/"});
    spec.services = json::array({svc});
    return spec;
  };
  auto job = Run(probe(kServiceImage));
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("priv=no"), std::string::npos) << job.trace;
  job = Run(probe("spotrunner-test/priv:local"));
  EXPECT_TRUE(RanPrivileged(job)) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
  Sh(std::string(kDocker) + "-X DELETE 'http://localhost/images/spotrunner-test/priv:local'");
}

// What docker:dind needs from the runner besides privileged mode (above), with a local
// image standing in for docker:dind (no registry is reachable here): the service reached as
// "docker", the job's DOCKER_TLS_CERTDIR given to it, and the /certs/client volume of
// config.toml shared between the service and the job, where dind writes the client
// certificates.
TEST_F(RunDockerServicesTest, DindStyleServiceSharesTheCertsVolume) {
  Start("", "", "volumes = [\"/certs/client\", \"/cache\"]");
  auto spec = RunnerHarness::Spec({"cat /certs/client/ca.pem", "echo \"host=$DOCKER_HOST $(wget -qO- http://docker/)\""});
  json svc = Service(kServiceImage, "docker");
  svc["entrypoint"] = {"sh", "-c"};
  svc["command"] = {
      "echo \"cert-from-service tlsdir=$DOCKER_TLS_CERTDIR\" > /certs/client/ca.pem; "
      "exec httpd -f -p 80 -h /www"};
  spec.services = json::array({svc});
  spec.variables.push_back({"DOCKER_HOST", "tcp://docker:2376", true, false, false, false});
  spec.variables.push_back({"DOCKER_TLS_CERTDIR", "/certs", true, false, false, false});
  auto job = Run(spec);
  EXPECT_EQ(job.state, JobState::kSuccess) << job.trace;
  EXPECT_NE(job.trace.find("cert-from-service tlsdir=/certs"), std::string::npos) << job.trace;
  EXPECT_NE(job.trace.find("host=tcp://docker:2376 spotrunner-service-ok"), std::string::npos) << job.trace;
  EXPECT_EQ(LeftAfterJob(short_token_), 0);
}

// A killed runner's job network (and the containers on it) is removed when `run` starts.
TEST(RunDockerServicesLeftoversTest, RunRemovesANetworkAKilledRunnerLeft) {
  RunnerHarness h("docker", "alpine:latest");
  ASSERT_EQ(h.register_exit(), 0) << h.register_output();
  auto loaded = config::LoadConfigFile(h.config_path());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  std::string short_token = gitlab::ShortToken(loaded->config.runners.at(0).token);
  auto system_id = config::LoadOrCreateSystemId(h.config_path());  // what `run` will use
  ASSERT_TRUE(system_id.ok()) << system_id.status().ToString();
  std::string labels = "{\"com.spotrunner.managed\":\"true\",\"com.spotrunner.runner.short_token\":\"" +
                       short_token + "\",\"com.spotrunner.runner.system_id\":\"" + *system_id + "\"}";
  std::string net = "sr-itest-leftover-net-" + std::to_string(getpid());
  std::string answer = Sh(std::string(kDocker) + "-H 'Content-Type: application/json' -d '{\"Name\":\"" + net +
                          "\",\"Labels\":" + labels + "}' http://localhost/networks/create");
  ASSERT_NE(answer.find("\"Id\""), std::string::npos) << answer;
  answer = Sh(std::string(kDocker) + "-H 'Content-Type: application/json' -d '{\"Image\":\"" + kServiceImage +
              "\",\"Labels\":" + labels + ",\"HostConfig\":{\"NetworkMode\":\"" + net + "\"}}' " +
              "'http://localhost/containers/create?name=" + net + "-svc'");
  ASSERT_NE(answer.find("\"Id\""), std::string::npos) << answer;
  Sh(std::string(kDocker) + "-X POST http://localhost/containers/" + net + "-svc/start");
  const std::string label = "com.spotrunner.runner.short_token%3D" + short_token;
  ASSERT_EQ(Count("networks", label), 1);

  RunnerProcess p(h.config_path(), h.dir().string(), (h.dir() / "run.log").string());
  EXPECT_TRUE(WaitUntil([&] { return Count("networks", label) + Count("containers", label) == 0; }, 30s))
      << testutil::ReadFile(h.dir() / "run.log");
  p.Signal(SIGQUIT);
  EXPECT_TRUE(p.WaitExit(15s).has_value());
}

}  // namespace
}  // namespace itest
