#include "job/clone_path.h"

#include <filesystem>

namespace job {

bool CustomBuildDirEnabled(const config::RunnerConfig& runner) {
  if (runner.custom_build_dir_enabled) return *runner.custom_build_dir_enabled;
  return runner.executor.rfind("docker", 0) == 0;
}

util::Result<std::string> ResolveProjectDir(const JobVariables& vars, const config::RunnerConfig& runner,
                                            const std::string& builds_dir, const std::string& default_dir) {
  std::string wanted = vars.GetOr("GIT_CLONE_PATH", "");
  if (wanted.empty()) return default_dir;
  if (!CustomBuildDirEnabled(runner)) {
    return util::Status::InvalidArgument("setting GIT_CLONE_PATH is not allowed, enable `custom_build_dir` feature");
  }
  namespace fs = std::filesystem;
  // Lexical, as gitlab-runner's filepath.Rel: "/builds/../etc" is outside.
  fs::path dir = fs::path(wanted).lexically_normal();
  fs::path root = fs::path(builds_dir).lexically_normal();
  fs::path rel = dir.lexically_relative(root);
  if (!dir.is_absolute() || rel.empty() || *rel.begin() == "..") {
    return util::Status::InvalidArgument("the GIT_CLONE_PATH=\"" + wanted + "\" has to be within \"" + builds_dir +
                                         "\"");
  }
  std::string out = dir.string();
  while (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

}  // namespace job
