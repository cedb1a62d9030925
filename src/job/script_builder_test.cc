#include "job/script_builder.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>

#include "executor/shell/shell_executor.h"
#include "job/masker.h"
#include "util/testing/test_util.h"

namespace job {
namespace {

namespace fs = std::filesystem;

class CollectSink : public executor::OutputSink {
 public:
  void Write(std::string_view b) override {
    std::lock_guard<std::mutex> l(mu_);
    text_.append(b);
  }
  std::string text() {
    std::lock_guard<std::mutex> l(mu_);
    return text_;
  }
  void Clear() {
    std::lock_guard<std::mutex> l(mu_);
    text_.clear();
  }

 private:
  std::mutex mu_;
  std::string text_;
};

gitlab::JobVariable V(std::string k, std::string v, bool file = false) {
  gitlab::JobVariable x;
  x.key = std::move(k);
  x.value = std::move(v);
  x.file = file;
  return x;
}

int Sh(const std::string& cmd) { return std::system(cmd.c_str()); }

// Runs each test for bash and for POSIX sh.
class ScriptBuilderTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    runner_.shell = GetParam();
    exec_ = std::make_unique<executor::ShellExecutor>(runner_, tmp_.path().string());
    ASSERT_EQ(exec_->Shell(), GetParam());
    job_.git_info.sha = "";
    project_ = (tmp_.path() / "builds" / "g" / "p").string();
  }

  JobVariables Vars() {
    RunnerContext ctx;
    ctx.builds_dir = (tmp_.path() / "builds").string();
    ctx.project_dir = project_;
    ctx.shared_environment = true;
    return JobVariables::Build(job_, runner_, ctx);
  }

  // Runs `script`; returns the exit code and keeps the output in out_.
  int Run(const std::string& script, const std::string& stage = "step_script") {
    out_ = std::make_unique<CollectSink>();
    util::CancelToken cancel;
    executor::RunRequest req;
    req.stage = stage;
    req.script = script;
    auto r = exec_->Run(req, *out_, cancel);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : -1;
  }

  // A bare repository with two commits; returns the second commit's sha.
  std::string MakeRepo(const std::string& bare) {
    std::string work = (tmp_.path() / "src").string();
    std::string git = "git -c user.email=t@e -c user.name=t -C " + work;
    EXPECT_EQ(Sh("git init -q " + work + " && echo one > " + work + "/a.txt && " + git + " add a.txt && " + git +
                 " commit -q -m one && echo two > " + work + "/b.txt && " + git + " add b.txt && " + git +
                 " commit -q -m two && git init -q --bare " + bare + " && " + git + " push -q " + bare +
                 " HEAD:refs/heads/main"),
              0);
    return Sha(work);
  }
  std::string Sha(const std::string& work) {
    fs::path f = tmp_.path() / "sha";
    Sh("git -C " + work + " rev-parse HEAD > " + f.string());
    std::string s = testutil::ReadFile(f);
    fs::remove(f);
    return s.substr(0, 40);
  }

  testutil::TempDir tmp_;
  config::RunnerConfig runner_;
  gitlab::JobPayload job_;
  std::string project_;
  std::unique_ptr<executor::ShellExecutor> exec_;
  std::unique_ptr<CollectSink> out_;
};

TEST_P(ScriptBuilderTest, StepStopsAtFirstFailure) {
  fs::create_directories(project_);
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  gitlab::Step step;
  step.name = "script";
  step.script = {"echo first", "sh -c 'exit 3'", "echo third"};
  EXPECT_EQ(Run(b.Step(step)), 3);
  std::string out = out_->text();
  EXPECT_NE(out.find("\x1b[32;1m$ echo first\x1b[0;m\nfirst\n"), std::string::npos) << out;
  EXPECT_NE(out.find("$ sh -c 'exit 3'"), std::string::npos);
  EXPECT_EQ(out.find("third"), std::string::npos);
}

TEST_P(ScriptBuilderTest, StepRunsInProjectDirWithVariablesAndHooks) {
  fs::create_directories(project_);
  job_.variables = {V("GREETING", "it's \"quoted\" $HOME `x` \\ \n line2"), V("SECRET", "hunter2hunter2")};
  job_.variables.back().masked = true;
  runner_.pre_build_script = "echo pre";
  runner_.post_build_script = "echo post";
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  gitlab::Step step;
  step.script = {"pwd", "printf '%s|' \"$GREETING\"", "echo \"$CI_JOB_STATUS\"",
                 "if true; then\n  echo multi\nfi"};
  EXPECT_EQ(Run(b.Step(step)), 0);
  std::string out = out_->text();
  EXPECT_NE(out.find(project_ + "\n"), std::string::npos) << out;
  // $HOME is not a job variable: expanded (to nothing) by the runner, as gitlab-runner does.
  EXPECT_NE(out.find("it's \"quoted\"  `x` \\ \n line2|"), std::string::npos) << out;
  EXPECT_NE(out.find("running\n"), std::string::npos);
  EXPECT_NE(out.find("$ if true; then # collapsed multi-line command"), std::string::npos);
  EXPECT_LT(out.find("pre\n"), out.find("multi\n"));
  EXPECT_LT(out.find("multi\n"), out.find("post\n"));
  EXPECT_EQ(out.find("hunter2"), std::string::npos);  // exports are never echoed
}

// FF_SCRIPT_SECTIONS with a GitLab that renders sections: each multi-line command of the
// script and after_script is shown whole in a collapsed section of its own, named as
// gitlab-runner names it; one-line commands and the command's output are as without it.
TEST_P(ScriptBuilderTest, ScriptSectionsShowMultiLineCommandsWhole) {
  fs::create_directories(project_);
  job_.variables = {V("FF_SCRIPT_SECTIONS", "true")};
  job_.features.trace_sections = true;
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  gitlab::Step step;
  // printf's own conversions and backslashes in the command must reach the trace untouched.
  step.script = {"echo one", "if true; then\n  printf '%s\\n' 'multi %d \\n'\nfi"};
  EXPECT_EQ(Run(b.Step(step)), 0);
  std::string out = out_->text();
  const std::regex section(
      "section_start:[0-9]{10}:section_script_step_1\\[hide_duration=true,collapsed=true\\]\r\x1b\\[0K"
      "\x1b\\[32;1m\\$ if true; then\n  printf '%s\\\\n' 'multi %d \\\\n'\nfi\x1b\\[0;m\n"
      "section_end:[0-9]{10}:section_script_step_1\r\x1b\\[0K\n"
      "multi %d \\\\n\n");
  EXPECT_TRUE(std::regex_search(out, section)) << out;
  EXPECT_NE(out.find("\x1b[32;1m$ echo one\x1b[0;m\none\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("collapsed multi-line command"), std::string::npos) << out;
  EXPECT_EQ(out.find("section_script_step_0"), std::string::npos) << out;
  out_->Clear();
  EXPECT_EQ(Run(b.AfterScript(step, "success")), 0);
  EXPECT_NE(out_->text().find(":section_after_script_step_1[hide_duration=true,collapsed=true]"), std::string::npos)
      << out_->text();
  // A GitLab that does not render sections gets the collapsed first line, as before.
  job_.features.trace_sections = false;
  ScriptBuilder plain(job_, vars, runner_, GetParam());
  out_->Clear();
  EXPECT_EQ(Run(plain.Step(step)), 0);
  EXPECT_NE(out_->text().find("$ if true; then # collapsed multi-line command"), std::string::npos) << out_->text();
  EXPECT_EQ(out_->text().find("section_start"), std::string::npos) << out_->text();
}

// CI_DEBUG_TRACE: the stage runs with shell tracing; the trace's masking still hides a
// masked value that the tracing prints.
TEST_P(ScriptBuilderTest, DebugTraceTracesCommandsAndMaskingStillHoldsSecrets) {
  fs::create_directories(project_);
  job_.variables = {V("CI_DEBUG_TRACE", "true"), V("SECRET", "hunter2hunter2")};
  job_.variables.back().masked = true;
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  EXPECT_TRUE(b.DebugTrace());
  gitlab::Step step;
  step.script = {"test -n \"$SECRET\" && echo set"};
  EXPECT_EQ(Run(b.Step(step)), 0);
  std::string out = out_->text();
  EXPECT_NE(out.find("+ echo set"), std::string::npos) << out;
  EXPECT_NE(out.find("hunter2hunter2"), std::string::npos);  // the shell prints it...
  MaskerOptions masking;
  masking.values = vars.MaskedValues();
  Masker masker(masking);
  std::string shown = masker.Write(out) + masker.Flush();
  EXPECT_EQ(shown.find("hunter2"), std::string::npos) << shown;  // ...the trace does not
  EXPECT_NE(shown.find("[MASKED]"), std::string::npos);

  runner_.debug_trace_disabled = true;  // refused: no tracing
  ScriptBuilder refused(job_, vars, runner_, GetParam());
  EXPECT_FALSE(refused.DebugTrace());
  EXPECT_EQ(Run(refused.Step(step)), 0);
  EXPECT_EQ(out_->text().find("+ echo"), std::string::npos) << out_->text();
}

TEST_P(ScriptBuilderTest, PipelineFailureStopsBash) {
  fs::create_directories(project_);
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  gitlab::Step step;
  step.script = {"false | true", "echo after"};
  int code = Run(b.Step(step));
  if (GetParam() == "bash") {
    EXPECT_EQ(code, 1);
    EXPECT_EQ(out_->text().find("after\n"), std::string::npos);
  } else {
    EXPECT_EQ(code, 0);
  }
}

TEST_P(ScriptBuilderTest, AfterScriptSeesJobStatus) {
  fs::create_directories(project_);
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  gitlab::Step step;
  step.name = "after_script";
  step.script = {"echo status=$CI_JOB_STATUS"};
  EXPECT_EQ(Run(b.AfterScript(step, "failed")), 0);
  EXPECT_NE(out_->text().find("status=failed\n"), std::string::npos) << out_->text();
}

TEST_P(ScriptBuilderTest, FileVariables) {
  fs::create_directories(project_);
  job_.variables = {V("MY_FILE", "line1\nit's $REF\n", true), V("REF", "resolved"), V("USES", "at $MY_FILE")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  gitlab::Step step;
  step.script = {"echo path=$MY_FILE", "cat \"$MY_FILE\"", "echo $USES"};
  EXPECT_EQ(Run(b.Step(step)), 0);
  const std::string path = project_ + ".tmp/MY_FILE";
  std::string out = out_->text();
  EXPECT_NE(out.find("path=" + path + "\n"), std::string::npos) << out;
  EXPECT_NE(out.find("line1\nit's resolved\n"), std::string::npos) << out;
  EXPECT_NE(out.find("at " + path + "\n"), std::string::npos) << out;
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(Run(b.CleanupFileVariables(), "cleanup_file_variables"), 0);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_FALSE(fs::exists(project_ + ".tmp"));
}

TEST_P(ScriptBuilderTest, GetSourcesCloneKeepsTokenOutOfGitConfig) {
  const std::string bare = (tmp_.path() / "bare.git").string();
  const std::string sha = MakeRepo(bare);
  ASSERT_EQ(sha.size(), 40u);
  job_.git_info.repo_url = "file://gitlab-ci-token:glcbt-SeCrEtToKeN@localhost" + bare;
  job_.git_info.sha = sha;
  job_.git_info.ref = "main";
  job_.git_info.refspecs = {"+refs/heads/main:refs/remotes/origin/main"};
  job_.git_info.depth = 0;
  gitlab::Hook pre{"pre_get_sources_script", {"echo job-pre-hook"}};
  gitlab::Hook post{"post_get_sources_script", {"echo job-post-hook in $(basename $(pwd))"}};
  job_.hooks = {pre, post};
  runner_.pre_get_sources_script = "echo config-pre";
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  EXPECT_EQ(b.GitStrategy(), "clone");
  ASSERT_EQ(Run(b.GetSources(), "get_sources"), 0) << out_->text();
  std::string out = out_->text();
  EXPECT_NE(out.find("Fetching changes...\x1b[0;m\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Initialized empty Git repository"), std::string::npos) << out;
  EXPECT_NE(out.find("Created fresh repository."), std::string::npos);
  EXPECT_NE(out.find("Checking out " + sha.substr(0, 8) + " as detached HEAD (ref is main)..."), std::string::npos);
  EXPECT_LT(out.find("config-pre"), out.find("job-pre-hook"));
  EXPECT_NE(out.find("job-post-hook in p\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("SeCrEtToKeN"), std::string::npos) << out;
  EXPECT_TRUE(fs::exists(project_ + "/b.txt"));
  std::string cfg = testutil::ReadFile(project_ + "/.git/config");
  EXPECT_EQ(cfg.find("SeCrEtToKeN"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("url = file://localhost" + bare), std::string::npos) << cfg;
  EXPECT_FALSE(fs::exists(project_ + ".tmp/git-credentials.conf"));

  // A second run fetches into the existing repository and cleans untracked files.
  {
    std::ofstream(project_ + "/untracked.txt") << "x";
  }
  job_.allow_git_fetch = true;
  ScriptBuilder fetch(job_, vars, runner_, GetParam());
  EXPECT_EQ(fetch.GitStrategy(), "fetch");
  ASSERT_EQ(Run(fetch.GetSources(), "get_sources"), 0) << out_->text();
  EXPECT_EQ(out_->text().find("Created fresh repository."), std::string::npos);
  EXPECT_FALSE(fs::exists(project_ + "/untracked.txt"));
  EXPECT_EQ(testutil::ReadFile(project_ + "/.git/config").find("SeCrEtToKeN"), std::string::npos);
}

TEST_P(ScriptBuilderTest, GetSourcesDepthAndCheckoutOptions) {
  const std::string bare = (tmp_.path() / "bare.git").string();
  const std::string sha = MakeRepo(bare);
  job_.git_info.repo_url = "file://localhost" + bare;
  job_.git_info.sha = sha;
  job_.git_info.ref = "main";
  job_.git_info.refspecs = {"+refs/heads/main:refs/remotes/origin/main"};
  job_.git_info.depth = 1;
  job_.variables = {V("GIT_CLEAN_FLAGS", "none")};
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  ASSERT_EQ(Run(b.GetSources(), "get_sources"), 0) << out_->text();
  EXPECT_NE(out_->text().find("Fetching changes with git depth set to 1..."), std::string::npos);
  EXPECT_TRUE(fs::exists(project_ + "/.git/shallow"));
  EXPECT_TRUE(fs::exists(project_ + "/b.txt"));

  // Depth 0 on a shallow repository unshallows it.
  std::ofstream(project_ + "/keep.txt") << "kept: GIT_CLEAN_FLAGS=none";
  job_.git_info.depth = 0;
  job_.variables.push_back(V("GIT_STRATEGY", "fetch"));
  auto vars2 = Vars();
  ScriptBuilder full(job_, vars2, runner_, GetParam());
  ASSERT_EQ(Run(full.GetSources(), "get_sources"), 0) << out_->text();
  EXPECT_FALSE(fs::exists(project_ + "/.git/shallow"));
  EXPECT_TRUE(fs::exists(project_ + "/keep.txt"));

  job_.variables.push_back(V("GIT_CHECKOUT", "false"));
  auto vars3 = Vars();
  ScriptBuilder nocheckout(job_, vars3, runner_, GetParam());
  ASSERT_EQ(Run(nocheckout.GetSources(), "get_sources"), 0);
  EXPECT_NE(out_->text().find("Skipping Git checkout"), std::string::npos);
}

TEST_P(ScriptBuilderTest, GetSourcesNoneAndEmpty) {
  fs::create_directories(project_);
  std::ofstream(project_ + "/old.txt") << "old";
  job_.variables = {V("GIT_STRATEGY", "none")};
  auto vars = Vars();
  ScriptBuilder none(job_, vars, runner_, GetParam());
  ASSERT_EQ(Run(none.GetSources(), "get_sources"), 0) << out_->text();
  EXPECT_NE(out_->text().find("Skipping Git repository setup"), std::string::npos);
  EXPECT_TRUE(fs::exists(project_ + "/old.txt"));

  job_.variables = {V("GIT_STRATEGY", "empty")};
  auto vars2 = Vars();
  ScriptBuilder empty(job_, vars2, runner_, GetParam());
  ASSERT_EQ(Run(empty.GetSources(), "get_sources"), 0) << out_->text();
  EXPECT_TRUE(fs::exists(project_));
  EXPECT_FALSE(fs::exists(project_ + "/old.txt"));
}

TEST_P(ScriptBuilderTest, FailingFetchStillForgetsCredentials) {
  job_.git_info.repo_url = "file://u:glcbt-SeCrEtToKeN@localhost" + (tmp_.path() / "missing.git").string();
  job_.git_info.sha = std::string(40, 'a');
  auto vars = Vars();
  ScriptBuilder b(job_, vars, runner_, GetParam());
  EXPECT_NE(Run(b.GetSources(), "get_sources"), 0);
  EXPECT_FALSE(fs::exists(project_ + ".tmp/git-credentials.conf"));
}

INSTANTIATE_TEST_SUITE_P(Shells, ScriptBuilderTest, ::testing::Values("bash", "sh"),
                         [](const auto& info) { return info.param; });

TEST(StripUrlCredentialsTest, Cases) {
  EXPECT_EQ(StripUrlCredentials("https://gitlab-ci-token:abc@gitlab.example.com/g/p.git"),
            "https://gitlab.example.com/g/p.git");
  EXPECT_EQ(StripUrlCredentials("https://gitlab.example.com/g/p.git"), "https://gitlab.example.com/g/p.git");
  EXPECT_EQ(StripUrlCredentials("https://h/p@x"), "https://h/p@x");
  EXPECT_EQ(StripUrlCredentials("/local/path"), "/local/path");
}

}  // namespace
}  // namespace job
