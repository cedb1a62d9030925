#pragma once
// The host plumbing of one local fleet: its bridge and its network-namespace instances
// (netns + veth + own mounts + sshd, and a Docker Engine when asked). Names and addresses
// are derived from the fleet options, so a restarted manager finds the same objects.
// Internal to cloud/local; needs root.
#include <chrono>
#include <string>
#include <vector>

#include "cloud/local/instance_system.h"
#include "cloud/local/local_provider.h"
#include "util/status.h"

namespace cloud::local {

class FleetNet {
 public:
  explicit FleetNet(const LocalOptions& o);

  std::string InstanceId(int n) const;       // "sr-<fleet>-<n>" or "sr-<fleet>-<m>-<n>"
  int IndexOf(const std::string& id) const;  // n, or -1 if `id` is not of this fleet
  std::string Address(int n) const;          // "a.b.c.<n+1>"
  std::string BridgeAddress() const;         // "a.b.c.1"
  const std::string& bridge() const { return bridge_; }
  std::string StatePath(const std::string& name) const { return state_dir_ + "/" + name; }
  // The authorized_keys file instance `id`'s sshd reads: its own (LocalOptions::
  // instance_keys, created empty with the instance) or the fleet's.
  std::string AuthorizedKeysPath(const std::string& id) const;
  // The private host key instance `id`'s sshd presents: its own (made at launch), or the
  // fleet's for an instance an older version launched.
  std::string HostKeyPath(const std::string& id) const;

  // This fleet's instance ids present on the host (namespaces), sorted.
  std::vector<std::string> Namespaces() const;
  // Instance ids with state files (launched), sorted.
  std::vector<std::string> Recorded() const;

  // Creates the bridge if missing (fixed MAC, .1/24, up). kFailedPrecondition when the
  // subnet is already routed through another device.
  util::Status EnsureBridge();
  void DeleteBridge();

  // Netns + veth + sshd for instance n, with `launched_ms` recorded and `host_key_pem`
  // (OpenSSH private key) as its sshd's only host key. On failure removes what it made.
  util::Status CreateInstance(int n, int64_t launched_ms, const std::string& host_key_pem);
  // Gives instance `id`'s sshd another host key: writes it, stops sshd (bounded wait) and
  // starts it again (it listens when this returns).
  util::Status ReplaceHostKey(const std::string& id, const std::string& host_key_pem);
  // Kills every process of the instance's namespace, removes veth, netns and state files.
  // Idempotent.
  util::Status DeleteInstance(const std::string& id);

  // Starts instance `id`'s Docker Engine (cloud/local/instance_system.h).
  util::Status StartEngine(const std::string& id, const EngineConfig& engine) const;

  // Starts the dead-man switch watcher of instance `id` in its namespace (detached; it
  // dies with the namespace's processes). See cloud/dead_man_switch.h.
  util::Status StartWatcher(const std::string& id, std::chrono::seconds timeout) const;

  // True when an SSH server greets ("SSH-...") on instance n's address within `ms`.
  bool SshAnswers(int n, int ms) const;

  // Launch time recorded for `id` (unix ms), -1 if none.
  int64_t LaunchedMs(const std::string& id) const;

 private:
  std::string VethHost(int n) const;
  std::string VethPeer(int n) const;
  util::Status WriteSshdConfig(const std::string& id, int n) const;
  InstanceSystem SystemOf(const std::string& id) const;
  util::Status StartSshd(const std::string& id) const;

  std::string IdPrefix() const;  // "sr-<fleet>-" or "sr-<fleet>-<m>-"

  std::string fleet_, manager_hex_, bridge_, prefix_ /* "a.b.c." */, state_dir_, hex_;
  bool instance_keys_ = false;
};

}  // namespace cloud::local
