#include "connect/ssh/ssh_connection.h"

#include "connect/ssh/sshio.h"

namespace connect {
namespace {

class SshConnection final : public Connection {
 public:
  explicit SshConnection(std::shared_ptr<sshio::SessionPool> pool) : pool_(std::move(pool)) {}

  util::Result<int> Exec(const std::string& command, std::string_view input, const OutputFn& out,
                         const util::CancelToken& cancel) override {
    return sshio::Exec(*pool_, command, input, out, cancel);
  }
  util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::string& path) override {
    return sshio::DialUnix(pool_, path);
  }
  util::Status Ping() override { return sshio::Ping(*pool_); }

 private:
  std::shared_ptr<sshio::SessionPool> pool_;
};

}  // namespace

bool IsHostKeyMismatch(const util::Status& s) {
  return s.code() == util::Status::Code::kPermissionDenied &&
         s.message().find(sshio::kHostKeyMismatch) != std::string::npos;
}

util::Result<std::shared_ptr<Connection>> DialSsh(const Endpoint& e) {
  sshio::Target t{e.host, e.port, e.username, e.key_pem, e.password, e.timeout, e.host_key};
  auto pool = sshio::Dial(t);
  if (!pool.ok()) return pool.status();
  return std::shared_ptr<Connection>(std::make_shared<SshConnection>(std::move(*pool)));
}

}  // namespace connect
