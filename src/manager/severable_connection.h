#pragma once
// manager::SeverableConnection: one job's view of its instance's connection. When the
// fleet learns that the instance is lost (provider event, listing, failed health checks)
// it severs the job's view: running Execs are cancelled, open unix-socket streams (the
// Docker API) are closed, and every later call fails at once with kUnavailable and the
// reason, so the job ends as runner_system_failure within moments instead of waiting for
// a dead TCP connection to time out. The instance's shared connection is left alone.
// Thread-safe, like connect::Connection.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "connect/connection.h"

namespace manager {

class SeverableConnection final : public connect::Connection {
 public:
  explicit SeverableConnection(std::shared_ptr<connect::Connection> inner);
  ~SeverableConnection() override;

  // First reason wins. Thread-safe; later calls are no-ops.
  void Sever(const std::string& why);
  bool severed() const { return token_.cancelled(); }

  util::Result<int> Exec(const std::string& command, std::string_view input, const connect::OutputFn& out,
                         const util::CancelToken& cancel) override;
  util::Result<std::unique_ptr<util::ByteStream>> DialUnix(const std::string& path) override;
  util::Status Ping() override;

 private:
  struct Streams;
  util::Status SeveredStatus() const;

  std::shared_ptr<connect::Connection> inner_;
  util::CancelToken token_;
  std::shared_ptr<Streams> streams_;
};

}  // namespace manager
