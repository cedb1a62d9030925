#include "executor/docker/registry_credentials.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "executor/docker/credential_helper.h"
#include "executor/docker/image_ref.h"

namespace executor::docker {
namespace {

// Helpers key Docker Hub by its legacy index URL, as `docker login` stores it.
std::string HelperServer(const std::string& registry) {
  return registry == "docker.io" ? "https://index.docker.io/v1/" : registry;
}

}  // namespace

std::string RegistryCredentials::DefaultHomeConfig(const char* home) {
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.docker/config.json";
}

util::Result<RegistryCredentials> RegistryCredentials::Load(const std::vector<DockerAuthSource>& sources,
                                                            const std::string& home_config,
                                                            std::map<std::string, Credentials> gitlab,
                                                            std::chrono::milliseconds helper_timeout) {
  RegistryCredentials out;
  out.gitlab_ = std::move(gitlab);
  out.helper_timeout_ = helper_timeout;
  auto add = [&out](const std::string& name, const std::string& text) -> util::Status {
    auto cfg = ParseDockerAuthConfig(text);
    if (!cfg.ok()) return util::Status::InvalidArgument(name + ": " + cfg.status().message());
    out.sources_.push_back({name, std::move(*cfg)});
    return util::Status::Ok();
  };
  for (const auto& s : sources) SR_RETURN_IF_ERROR(add("DOCKER_AUTH_CONFIG (" + s.source + ")", s.json));
  std::error_code ec;
  if (!home_config.empty() && std::filesystem::is_regular_file(home_config, ec)) {
    std::ifstream in(home_config);
    if (!in) return util::Status::IOError(home_config + ": cannot read");
    std::stringstream text;
    text << in.rdbuf();
    SR_RETURN_IF_ERROR(add(home_config, text.str()));
  }
  return out;
}

util::Result<std::optional<Credentials>> RegistryCredentials::For(const std::string& registry) const {
  const std::string want = NormalizeRegistry(registry);
  for (const auto& s : sources_) {
    for (const auto& [key, helper] : s.config.cred_helpers) {
      if (NormalizeRegistry(key) != want) continue;
      auto cred = RunCredentialHelper(helper, key, helper_timeout_);
      if (!cred.ok()) return cred.status().WithContext(s.name);
      if (*cred) return *cred;
    }
    for (const auto& [key, cred] : s.config.auths) {
      if (NormalizeRegistry(key) == want) return std::optional<Credentials>(cred);
    }
    if (!s.config.creds_store.empty()) {
      auto cred = RunCredentialHelper(s.config.creds_store, HelperServer(want), helper_timeout_);
      if (!cred.ok()) return cred.status().WithContext(s.name);
      if (*cred) return *cred;
    }
  }
  if (auto cred = FindCredentials(gitlab_, want)) return std::optional<Credentials>(*cred);
  return std::optional<Credentials>();
}

}  // namespace executor::docker
