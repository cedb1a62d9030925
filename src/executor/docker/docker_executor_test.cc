// DockerExecutor against the real Docker daemon started by scripts/services.sh, with the
// project's local images (alpine:latest = busybox, spotrunner-helper:local = busybox + git +
// bash). Containers use network mode "none".
#include "executor/docker/docker_executor.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "executor/docker/cache_volume.h"
#include "executor/docker/docker_testing.h"
#include "executor/docker/labels.h"
#include "util/testing/test_util.h"

namespace executor::docker {
namespace {

class RecordingSink final : public OutputSink {
 public:
  void Write(std::string_view bytes) override {
    std::lock_guard<std::mutex> l(mu_);
    text_.append(bytes);
    cv_.notify_all();
  }
  std::string text() const {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }
  // Waits up to `d` for `needle` to appear in the output.
  bool WaitFor(const std::string& needle, std::chrono::seconds d) {
    std::unique_lock<std::mutex> l(mu_);
    return cv_.wait_for(l, d, [&] { return text_.find(needle) != std::string::npos; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;
};

class DockerExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    probe_dialer_ = testing::LocalDaemon();
    ASSERT_TRUE(probe_dialer_);
    engine_ = std::make_unique<EngineClient>(*probe_dialer_);
    ASSERT_TRUE(engine_->Ping().ok()) << testing::kNoDaemon;
    cfg_.executor = "docker";
    cfg_.docker.network_mode = "none";
    cfg_.docker.pull_policy = {"if-not-present"};
    cfg_.docker.container_labels = {{"com.example.team", "ci"}};
    std::mt19937 rng(std::random_device{}());
    req_.job_id = 100000 + static_cast<int64_t>(rng() % 900000);
    req_.project_id = 7;
    req_.runner_short_token = "t" + std::to_string(getpid()) + "x" + std::to_string(rng() % 100000);
    req_.image.name = "alpine:latest";
  }
  // The projects' volumes outlive their jobs by design (cache_volume.h): the test's go here.
  void TearDown() override {
    if (!engine_) return;
    if (auto l = engine_->ListVolumes({std::string(labels::kShortToken) + "=" + req_.runner_short_token}); l.ok()) {
      for (const VolumeSummary& v : *l) (void)engine_->RemoveVolume(v.name);
    }
  }

  std::unique_ptr<DockerExecutor> Make() {
    return std::make_unique<DockerExecutor>(cfg_, testing::LocalDaemon());
  }
  // What is left of this test's runner (any executor).
  size_t ContainersLeft() {
    auto l = engine_->ListContainers({std::string(labels::kShortToken) + "=" + req_.runner_short_token});
    return l.ok() ? l->size() : 999;
  }
  // Volumes of one job (role "volume"), or the projects' kept ones (role "cache").
  size_t VolumesLeft(const std::string& role = "volume") {
    auto l = engine_->ListVolumes({std::string(labels::kShortToken) + "=" + req_.runner_short_token,
                                   std::string(labels::kRole) + "=" + role});
    return l.ok() ? l->size() : 999;
  }

  std::unique_ptr<util::StreamDialer> probe_dialer_;
  std::unique_ptr<EngineClient> engine_;
  config::RunnerConfig cfg_;
  PrepareRequest req_;
  RecordingSink out_;
  util::CancelToken cancel_;
};

TEST_F(DockerExecutorTest, RunsScriptAndReturnsExitCode) {
  auto ex = Make();
  EXPECT_EQ(ex->Name(), "docker");
  EXPECT_EQ(ex->BuildsRoot(), "/builds");
  EXPECT_FALSE(ex->SharedEnvironment());
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  EXPECT_EQ(ex->Shell(), "sh");  // the busybox image has no /bin/bash
  EXPECT_NE(out_.text().find("Using Docker executor with image alpine:latest ...\n"), std::string::npos);
  EXPECT_NE(out_.text().find("Using docker image sha256:"), std::string::npos);

  RecordingSink run_out;
  auto code = ex->Run(RunRequest{"step_script", true, "echo hello\necho oops >&2\nexit 3\n"}, run_out, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 3);
  // stdout and stderr are separate pipes: their relative order is not kept.
  std::string text = run_out.text();
  EXPECT_EQ(text.size(), std::string("hello\noops\n").size()) << text;
  EXPECT_NE(text.find("hello\n"), std::string::npos) << text;
  EXPECT_NE(text.find("oops\n"), std::string::npos) << text;
  EXPECT_EQ(ContainersLeft(), 1u);  // the job's container serves every stage

  // The next stage runs in the same container: it sees what the last one left, gets its
  // own exit code, and output without a final newline arrives whole.
  RecordingSink second;
  code = ex->Run(RunRequest{"step_more", true, "touch /builds/mark\nprintf no-newline\n"}, second, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(second.text(), "no-newline");
  RecordingSink third;
  code = ex->Run(RunRequest{"after_script", true, "test -f /builds/mark && echo kept; false\n"}, third, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 1);
  EXPECT_EQ(third.text(), "kept\n");
  EXPECT_EQ(ContainersLeft(), 1u);

  ex->Cleanup();
  EXPECT_EQ(ContainersLeft(), 0u);
  EXPECT_EQ(VolumesLeft(), 0u);
  ex->Cleanup();  // idempotent
}

TEST_F(DockerExecutorTest, HelperWritesBuildsVolumeJobImageReadsIt) {
  auto ex = Make();
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  EXPECT_EQ(VolumesLeft(), 1u);           // /builds: a clone, not a fetch
  EXPECT_EQ(VolumesLeft("cache"), 1u);  // /cache: the project's
  RecordingSink a, b;
  auto get = ex->Run(RunRequest{"get_sources", false,
                                "git version >/dev/null && mkdir -p /builds/g/p && echo from-helper > /builds/g/p/f\n"},
                     a, cancel_);
  ASSERT_OK(get);
  EXPECT_EQ(*get, 0) << a.text();
  auto step = ex->Run(RunRequest{"step_script", true, "cat /builds/g/p/f; pwd; ls -d /cache\n"}, b, cancel_);
  ASSERT_OK(step);
  EXPECT_EQ(*step, 0) << b.text();
  EXPECT_EQ(b.text(), "from-helper\n/builds\n/cache\n");
  EXPECT_EQ(ContainersLeft(), 2u);  // the job's and the helper's
  ex.reset();  // the destructor cleans up too
  EXPECT_EQ(ContainersLeft(), 0u);
  EXPECT_EQ(VolumesLeft(), 0u);
}

// `volumes` without a host path, the cache dir and (GIT_STRATEGY=fetch) the builds dir are
// the project's volumes, named as gitlab-runner names them: the next job of the project
// finds what the last one left there, another project does not.
TEST_F(DockerExecutorTest, ProjectVolumesOutliveTheJob) {
  cfg_.docker.volumes = {"/data"};
  req_.keep_builds = true;
  auto run = [&](const std::string& script) {
    auto ex = Make();
    EXPECT_OK(ex->Prepare(req_, out_, cancel_));
    RecordingSink o;
    auto code = ex->Run(RunRequest{"step_script", true, script}, o, cancel_);
    EXPECT_OK(code);
    EXPECT_EQ(code.ok() ? *code : -1, 0) << o.text();
    ex->Cleanup();
    EXPECT_EQ(VolumesLeft(), 0u);
    return o.text();
  };
  run("echo one > /cache/f; echo two > /data/f; echo three > /builds/f\n");
  EXPECT_EQ(VolumesLeft("cache"), 3u);
  auto kept = engine_->ListVolumes({std::string(labels::kShortToken) + "=" + req_.runner_short_token});
  ASSERT_OK(kept);
  std::set<std::string> names;
  for (const VolumeSummary& v : *kept) names.insert(v.name);
  EXPECT_TRUE(names.count(CacheVolumeName(req_.runner_short_token, 7, 0, "/cache"))) << *names.begin();
  EXPECT_TRUE(names.count(CacheVolumeName(req_.runner_short_token, 7, 0, "/data")));
  EXPECT_TRUE(names.count(CacheVolumeName(req_.runner_short_token, 7, 0, "/builds")));
  req_.job_id += 1;
  EXPECT_EQ(run("cat /cache/f /data/f /builds/f\n"), "one\ntwo\nthree\n");
  req_.job_id += 1;
  req_.project_id = 8;
  EXPECT_EQ(run("cat /cache/f /data/f /builds/f 2>/dev/null | wc -l\n"), "0\n");
  req_.job_id += 1;
  req_.project_id = 7;
  req_.keep_builds = false;  // GIT_STRATEGY=clone: a fresh builds dir, the caches stay
  EXPECT_EQ(run("cat /cache/f; test ! -e /builds/f && echo fresh\n"), "one\nfresh\n");
}

// The job's `image: docker: user:` runs its scripts; the runner's `user` wins over it.
TEST_F(DockerExecutorTest, ImageUserRunsTheJobScripts) {
  req_.image.user = "nobody";
  auto ex = Make();
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  RecordingSink o;
  auto code = ex->Run(RunRequest{"step_script", true, "id -un\n"}, o, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(o.text(), "nobody\n");
  ex->Cleanup();
  cfg_.docker.user = "1234";
  req_.job_id += 1;
  auto ex2 = Make();
  ASSERT_OK(ex2->Prepare(req_, out_, cancel_));
  RecordingSink o2;
  code = ex2->Run(RunRequest{"step_script", true, "id -u\n"}, o2, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(o2.text(), "1234\n");
}

TEST(CacheVolumeNameTest, IsGitlabRunnersName) {
  EXPECT_EQ(CacheVolumeName("a1b2c3d4", 42, 3, "/cache"),
            "runner-a1b2c3d4-project-42-concurrent-3-cache-3c3f060a0374fc8bc39395164f415a70");
}

TEST_F(DockerExecutorTest, RunnerWorkWithoutHelperToolsRunsInTheJobContainer) {
  auto ex = Make();
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  RecordingSink o;
  RunRequest plain{"get_sources", false, "mkdir -p /builds/g/p && echo made\n"};
  plain.needs_helper_tools = false;
  auto code = ex->Run(plain, o, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(o.text(), "made\n");
  EXPECT_EQ(ContainersLeft(), 1u);  // no helper container was needed

  // A job image that runs as another user could not make the build directories.
  req_.image.user = "nobody";
  auto as_nobody = Make();
  ASSERT_OK(as_nobody->Prepare(req_, out_, cancel_));
  RecordingSink who;
  code = as_nobody->Run(RunRequest{"step_script", true, "id -un\n"}, who, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(who.text(), "nobody\n");
  RecordingSink root;
  code = as_nobody->Run(plain, root, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0) << root.text();
  EXPECT_EQ(ContainersLeft(), 3u);  // the first job's, and this one's build and helper
}

TEST_F(DockerExecutorTest, DetectsBashAndHonoursDisableCacheAndBuildsDir) {
  cfg_.docker.disable_cache = true;
  cfg_.builds_dir = "/work";
  req_.image.name = "spotrunner-helper:local";
  auto ex = Make();
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  EXPECT_EQ(ex->Shell(), "bash");
  EXPECT_EQ(ex->BuildsRoot(), "/work");
  EXPECT_EQ(VolumesLeft(), 1u);
  RecordingSink o;
  auto code = ex->Run(RunRequest{"step_script", true, "echo \"${BASH_VERSION%%.*}\"; pwd; test ! -e /cache\n"}, o,
                      cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(*code, 0) << o.text();
  EXPECT_EQ(o.text(), "5\n/work\n");
}

TEST_F(DockerExecutorTest, EntrypointFromTheJobIsUsed) {
  req_.image.entrypoint = std::vector<std::string>{"env", "SR_FROM_ENTRYPOINT=yes"};
  auto ex = Make();
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  RecordingSink o;
  auto code = ex->Run(RunRequest{"step_script", true, "echo \"$SR_FROM_ENTRYPOINT\"\n"}, o, cancel_);
  ASSERT_OK(code);
  EXPECT_EQ(o.text(), "yes\n");
}

TEST_F(DockerExecutorTest, PullPolicyNeverWithMissingImageIsAClearError) {
  cfg_.docker.pull_policy = {"never"};
  req_.image.name = "spotrunner-missing-image:1";
  auto ex = Make();
  util::Status s = ex->Prepare(req_, out_, cancel_);
  EXPECT_EQ(s.code(), util::Status::Code::kNotFound);
  EXPECT_EQ(s.message(),
            "failed to pull image \"spotrunner-missing-image:1\" with specified policies [never]: image "
            "\"spotrunner-missing-image:1\" is not present locally and the pull policy is \"never\"");
  ex->Cleanup();
  EXPECT_EQ(ContainersLeft(), 0u);
  EXPECT_EQ(VolumesLeft(), 0u);
}

TEST_F(DockerExecutorTest, JobPullPolicyMustBeAllowed) {
  req_.image.pull_policy = {"always"};
  auto ex = Make();
  util::Status s = ex->Prepare(req_, out_, cancel_);
  EXPECT_EQ(s.code(), util::Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "failed to pull image \"alpine:latest\": pull_policy [always] defined in GitLab pipeline config is not "
            "one of the allowed_pull_policies [if-not-present]");
}

TEST_F(DockerExecutorTest, NoImageAnywhereIsAnError) {
  req_.image.name = "";
  auto ex = Make();
  EXPECT_EQ(ex->Prepare(req_, out_, cancel_).code(), util::Status::Code::kInvalidArgument);
  cfg_.docker.image = "alpine:latest";
  auto with_default = Make();
  ASSERT_OK(with_default->Prepare(req_, out_, cancel_));
}

TEST_F(DockerExecutorTest, CancelKillsTheContainerQuickly) {
  auto ex = Make();
  ASSERT_OK(ex->Prepare(req_, out_, cancel_));
  RecordingSink o;
  std::chrono::steady_clock::time_point cancelled_at;
  std::thread canceller([&] {
    EXPECT_TRUE(o.WaitFor("started", std::chrono::seconds(30)));  // the script is in its sleep
    cancelled_at = std::chrono::steady_clock::now();
    cancel_.Cancel("canceled by the user");
  });
  auto code = ex->Run(RunRequest{"step_script", true, "echo started\nsleep 30\necho never\n"}, o, cancel_);
  auto returned_at = std::chrono::steady_clock::now();
  canceller.join();
  EXPECT_EQ(code.status().code(), util::Status::Code::kCancelled);
  EXPECT_EQ(code.status().message(), "job cancelled: canceled by the user");
  EXPECT_LT(returned_at - cancelled_at, std::chrono::seconds(5));
  EXPECT_EQ(o.text(), "started\n");
  EXPECT_EQ(ContainersLeft(), 0u);  // the killed container is removed at once
  // A cancelled token stops later stages before they start.
  EXPECT_EQ(ex->Run(RunRequest{"after_script", true, "true"}, o, cancel_).status().code(),
            util::Status::Code::kCancelled);
  // A stage after a cancel (after_script of a graceful cancel) gets a new container.
  util::CancelToken fresh;
  RecordingSink after;
  auto again = ex->Run(RunRequest{"after_script", true, "echo after\n"}, after, fresh);
  ASSERT_OK(again);
  EXPECT_EQ(after.text(), "after\n");
  EXPECT_EQ(ContainersLeft(), 1u);
  ex->Cleanup();
  EXPECT_EQ(VolumesLeft(), 0u);
}

TEST_F(DockerExecutorTest, RunBeforePrepareFails) {
  auto ex = Make();
  auto code = ex->Run(RunRequest{"step_script", true, "true"}, out_, cancel_);
  EXPECT_EQ(code.status().code(), util::Status::Code::kFailedPrecondition);
}

}  // namespace
}  // namespace executor::docker
