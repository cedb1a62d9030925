#pragma once
// ImdsNetnsServer: serves one emulated instance's metadata (Emulator::Imds) at
// http://169.254.169.254/ inside that instance's named network namespace (`ip netns`),
// where software on the instance (or a manager over SSH) reads it as on EC2.
// It adds 169.254.169.254/32 to the namespace's loopback and listens there from a
// thread that joined the namespace; Stop() removes the address again.
// Start/Stop from one thread. Needs CAP_SYS_ADMIN and CAP_NET_ADMIN (root).
#include <memory>
#include <string>
#include <thread>

#include "ec2emulator/emulator.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace ec2emulator {

inline constexpr const char* kImdsAddress = "169.254.169.254";

class ImdsNetnsServer {
 public:
  // `emulator` must outlive the server.
  ImdsNetnsServer(Emulator& emulator, std::string instance_id, std::string netns);
  ~ImdsNetnsServer();  // Stop()
  ImdsNetnsServer(const ImdsNetnsServer&) = delete;
  ImdsNetnsServer& operator=(const ImdsNetnsServer&) = delete;

  // InvalidArgument for a namespace name that is not [A-Za-z0-9_.-]+; NotFound when the
  // namespace does not exist; Unavailable when the address cannot be added or bound.
  util::Status Start();
  void Stop();  // idempotent

 private:
  Emulator& emulator_;
  const std::string instance_id_;
  const std::string netns_;
  std::unique_ptr<httplib::Server> svr_;
  std::thread thread_;
  bool address_added_ = false;
};

// Runs `ip` with these arguments (no shell); returns its exit status, -1 if it could not run.
int RunIp(const std::vector<std::string>& args);

}  // namespace ec2emulator
