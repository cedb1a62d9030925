#pragma once
// ProviderBackend: backs each emulated instance with an instance of a cloud::Provider —
// in real mode the `local` provider, whose instances are network namespaces with their
// own sshd, so a manager reaches an emulated EC2 instance over SSH exactly as a VM.
// Launch asks the provider for one more instance, finds the new id by listing, waits
// (bounded) until it runs and takes its address from Connect(). Terminate removes it.
// Thread: the provider is not thread-safe; the Runtime's one worker calls this.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "cloud/provider.h"
#include "ec2emulator/backend.h"
#include "ec2emulator/imds_netns_server.h"

namespace ec2emulator {

struct ProviderBackendOptions {
  std::chrono::milliseconds poll{100};                                // between List() calls while waiting
  std::chrono::milliseconds ready_timeout{std::chrono::seconds(60)};  // per launch
  // When both are set, each instance's metadata is served at 169.254.169.254 inside the
  // network namespace `netns_of(provider id)` (ImdsNetnsServer); a launch whose metadata
  // cannot be served fails. Default: none (metadata only at the emulator's /imds/ route).
  Emulator* imds_emulator = nullptr;
  std::function<std::string(const std::string& provider_id)> netns_of;
  // When set, called once the new instance runs and before the launch is reported, with
  // the keys of its user data (possibly none): the instance opens to those keys only, as
  // cloud-init would do it on EC2. A failure fails the launch (the instance is removed).
  std::function<util::Status(const std::string& provider_id, const std::vector<std::string>& keys)> install_keys;
  // When set and the user data carries an SSH host key (LaunchRequest::host_key_pem),
  // called before install_keys: the instance's sshd presents that key from then on, as
  // cloud-init's `ssh_keys` does. A failure fails the launch (the instance is removed).
  std::function<util::Status(const std::string& provider_id, const std::string& private_pem)> install_host_key;
  // When set, called for a launch whose user data installs the dead-man switch, once the
  // instance runs: starts the instance's watcher with that timeout (as the user data's
  // unit would on EC2). A failure fails the launch (the instance is removed).
  std::function<util::Status(const std::string& provider_id, std::chrono::seconds timeout)> start_dead_man;
  // When set, called for a launch whose user data installs a Docker Engine, once the
  // instance runs: starts the instance's own Engine with the user data's configuration.
  // A failure fails the launch (the instance is removed).
  std::function<util::Status(const std::string& provider_id, const cloud::local::EngineConfig& engine)> start_engine;
  // TakeVanished lists the provider at most this often.
  std::chrono::milliseconds vanished_check{1000};
};

class ProviderBackend final : public InstanceBackend {
 public:
  // `provider` must outlive the backend.
  explicit ProviderBackend(cloud::Provider& provider, ProviderBackendOptions options = {});

  // On failure: the provider's error (e.g. kResourceExhausted), or kDeadlineExceeded when
  // the new instance did not run in time (it is removed again).
  util::Result<LaunchedInstance> Launch(const LaunchRequest& request) override;
  util::Status Terminate(const std::string& handle) override;
  // Launched instances the provider no longer lists (they powered off from inside).
  std::vector<std::string> TakeVanished() override;

 private:
  cloud::Provider& provider_;
  const ProviderBackendOptions options_;
  std::set<std::string> known_;                                   // ids already handed out
  std::set<std::string> live_;                                    // launched, not terminated by us
  std::chrono::steady_clock::time_point last_vanished_check_{};
  std::map<std::string, std::unique_ptr<ImdsNetnsServer>> imds_;  // by provider id
};

}  // namespace ec2emulator
