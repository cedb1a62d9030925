#include "executor/docker/docker_host.h"

#include <cstdlib>

#include "util/unix_socket_stream.h"

namespace executor::docker {

std::string EffectiveDockerHost(const std::string& host) {
  if (!host.empty()) return host;
  const char* env = std::getenv("DOCKER_HOST");
  if (env && *env) return env;
  return "unix:///var/run/docker.sock";
}

util::Result<std::unique_ptr<util::StreamDialer>> DialerForHost(const std::string& host) {
  std::string h = EffectiveDockerHost(host);
  constexpr std::string_view kUnix = "unix://";
  if (h.rfind(kUnix, 0) == 0) {
    std::string path = h.substr(kUnix.size());
    if (path.empty()) return util::Status::InvalidArgument("docker host \"" + h + "\" has no socket path");
    return std::unique_ptr<util::StreamDialer>(std::make_unique<util::UnixSocketDialer>(path));
  }
  return util::Status::Unimplemented("docker host \"" + h + "\" is not supported here; use unix://PATH");
}

}  // namespace executor::docker
