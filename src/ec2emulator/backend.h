#pragma once
// InstanceBackend: what stands behind an emulated instance. The Emulator only keeps
// books; a Runtime (runtime.h) asks the backend to create and remove the real thing
// outside the emulator's lock, and reports back. MemoryBackend creates nothing (unit
// tests, quick runs); a backend over cloud::Provider makes each instance a `local`
// provider instance (network namespace + sshd).
// Thread: called from the Runtime's one worker thread.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cloud/local/local_provider.h"
#include "ec2emulator/instance.h"
#include "util/status.h"

namespace ec2emulator {

struct LaunchRequest {
  std::string instance_id;
  std::string instance_type;
  std::string zone;
  std::string subnet_id;
  std::string address_hint;  // an address from the subnet (in-memory instances use it)
  bool spot = false;
  // authorized_keys lines from the instance's user data (cloud-config); a backend that
  // runs sshd opens the instance to these keys only.
  std::vector<std::string> authorized_keys;
  // The SSH host key (OpenSSH private key text) the user data's cloud-config `ssh_keys`
  // gives the instance; "" = none (the instance keeps a key of its own).
  std::string host_key_pem;
  // The dead-man switch the user data installs (cloud/dead_man_switch.h); zero = none.
  std::chrono::seconds dead_man_timeout{0};
  // The Docker Engine the user data installs (user_data.h EngineOf); none = no Engine.
  std::optional<cloud::local::EngineConfig> engine;
};

struct LaunchedInstance {
  std::string handle;      // the backend's id for it
  std::string private_ip;  // where the instance answers (SSH)
};

class InstanceBackend {
 public:
  InstanceBackend() = default;
  InstanceBackend(const InstanceBackend&) = delete;
  InstanceBackend& operator=(const InstanceBackend&) = delete;
  virtual ~InstanceBackend() = default;

  // Creates the instance and waits until it answers. Not idempotent.
  virtual util::Result<LaunchedInstance> Launch(const LaunchRequest& request) = 0;
  // Removes it. Idempotent: an unknown handle is already gone.
  virtual util::Status Terminate(const std::string& handle) = 0;
  // Handles of launched instances that went away by themselves (powered off from inside,
  // e.g. by the dead-man switch), each reported once. The default: none.
  virtual std::vector<std::string> TakeVanished() { return {}; }
};

// Creates nothing: the handle is the instance id and the address the subnet's hint.
class MemoryBackend final : public InstanceBackend {
 public:
  util::Result<LaunchedInstance> Launch(const LaunchRequest& r) override {
    ++launched_;
    return LaunchedInstance{r.instance_id, r.address_hint};
  }
  util::Status Terminate(const std::string&) override {
    ++terminated_;
    return util::Status::Ok();
  }
  int launched() const { return launched_; }
  int terminated() const { return terminated_; }

 private:
  int launched_ = 0;
  int terminated_ = 0;
};

}  // namespace ec2emulator
