#pragma once
// Where the Docker daemon is: [runners.docker] host, else $DOCKER_HOST, else the local
// socket unix:///var/run/docker.sock.
#include <memory>
#include <string>

#include "util/byte_stream.h"
#include "util/status.h"

namespace executor::docker {

// The effective host URL for the configured `host` ("" = $DOCKER_HOST or the default).
std::string EffectiveDockerHost(const std::string& host);
// A dialer for a "unix://PATH" host. kUnimplemented for other schemes (tcp:// and ssh://
// daemons are reached through connect/ tunnels instead), kInvalidArgument for a bad URL.
util::Result<std::unique_ptr<util::StreamDialer>> DialerForHost(const std::string& host);

}  // namespace executor::docker
