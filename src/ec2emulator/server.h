#pragma once
// Server: the emulator over HTTP (cpp-httplib) on a background thread.
//   POST /  (or GET /?Action=…)  the EC2 and Auto Scaling Query APIs: the form's Version
//            picks the API (2011-01-01 = Auto Scaling, else EC2); every request's SigV4
//            Authorization is verified first (signing name `ec2` / `autoscaling`).
//   /admin/… faults, interruptions, spot prices, the instance list (JSON; README.md).
//   /imds/<instance-id>/latest/…  the instance metadata of that instance.
// Start/Stop from one thread.
#include <memory>
#include <string>
#include <thread>

#include "ec2emulator/emulator.h"
#include "ec2emulator/sigv4_verifier.h"
#include "util/clock.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace ec2emulator {

struct ServerOptions {
  SigV4Credentials credentials;                        // the one account's key pair; REQUIRES: both set
  util::Duration max_skew = std::chrono::minutes(15);  // RequestExpired beyond this (EC2: 15 min)
  std::string admin_token;                             // when set, /admin needs "Authorization: Bearer <token>"
  size_t threads = 8;                                  // worker threads
};

class Server {
 public:
  // `emulator` and `clock` (for signature dates) must outlive the Server.
  Server(Emulator& emulator, util::Clock& clock, ServerOptions options);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port (0 = any free port) and serves in the background. Returns the port.
  // Unavailable when it cannot bind; FailedPrecondition when already started.
  util::Result<int> Start(const std::string& host, int port);
  void Stop();  // idempotent
  int port() const { return port_; }

 private:
  Emulator& emulator_;
  util::Clock& clock_;
  const ServerOptions options_;
  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
  int port_ = 0;
};

namespace http {
// Registers /admin/… and /imds/… on `svr` (admin_http.cc).
void RegisterAdminRoutes(httplib::Server& svr, Emulator& emulator, const std::string& admin_token);
}  // namespace http

}  // namespace ec2emulator
