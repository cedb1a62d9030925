#pragma once
// A StreamDialer that reaches the Docker daemon of an instance: each Dial opens a fresh
// stream to the daemon's unix socket through connect::Connection::DialUnix (an SSH
// direct-streamlocal channel), so DockerExecutor runs unchanged on fleet instances.
#include <memory>
#include <string>

#include "connect/connection.h"
#include "util/byte_stream.h"

namespace executor::docker {

class ConnectionDialer final : public util::StreamDialer {
 public:
  // `socket_path`: the daemon's socket on the instance.
  ConnectionDialer(std::shared_ptr<connect::Connection> conn, std::string socket_path)
      : conn_(std::move(conn)), path_(std::move(socket_path)) {}
  util::Result<std::unique_ptr<util::ByteStream>> Dial() override {
    auto s = conn_->DialUnix(path_);
    if (!s.ok()) return s.status().WithContext("docker socket " + path_ + " on the instance");
    return s;
  }

 private:
  std::shared_ptr<connect::Connection> conn_;
  std::string path_;
};

// The socket path on the instance for [runners.docker] host: its path when it is
// "unix://PATH", else /var/run/docker.sock. (The manager's own $DOCKER_HOST is not the
// instance's.) kInvalidArgument for other schemes.
util::Result<std::string> InstanceDockerSocket(const std::string& host);

}  // namespace executor::docker
