#pragma once
// The credentials for an image pull, resolved as gitlab-runner does: per registry the first
// source that knows it wins, in order DOCKER_AUTH_CONFIG (the job's variable, else the
// runner's environment), the manager user's ~/.docker/config.json, then GitLab's
// credentials from the job payload. Within one Docker config: credHelpers for the registry,
// then auths, then credsStore.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "executor/docker/docker_auth_config.h"
#include "executor/executor.h"
#include "util/status.h"

namespace executor::docker {

using Credentials = std::pair<std::string, std::string>;  // user, password

class RegistryCredentials {
 public:
  // Parses every source now so a broken one fails the job before any pull, with a line
  // naming it ("DOCKER_AUTH_CONFIG (job variable): not valid JSON"). `home_config` is read
  // when it exists ("" = none).
  static util::Result<RegistryCredentials> Load(const std::vector<DockerAuthSource>& sources,
                                                const std::string& home_config,
                                                std::map<std::string, Credentials> gitlab,
                                                std::chrono::milliseconds helper_timeout = std::chrono::seconds(10));

  // nullopt: pull without credentials. Errors come from a credential helper.
  util::Result<std::optional<Credentials>> For(const std::string& registry) const;

  // `home` + "/.docker/config.json", "" without a home.
  static std::string DefaultHomeConfig(const char* home);

 private:
  struct Source {
    std::string name;
    DockerAuthConfig config;
  };
  std::vector<Source> sources_;
  std::map<std::string, Credentials> gitlab_;
  std::chrono::milliseconds helper_timeout_{0};
};

}  // namespace executor::docker
