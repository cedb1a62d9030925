#include "executor/docker/connection_dialer.h"

namespace executor::docker {

util::Result<std::string> InstanceDockerSocket(const std::string& host) {
  if (host.empty()) return std::string("/var/run/docker.sock");
  constexpr std::string_view kUnix = "unix://";
  if (host.rfind(kUnix, 0) == 0 && host.size() > kUnix.size()) return host.substr(kUnix.size());
  return util::Status::InvalidArgument("[runners.docker] host \"" + host +
                                       "\": on fleet instances only unix://PATH (the instance's socket) is supported");
}

}  // namespace executor::docker
