#pragma once
// What makes a local instance look like a VM of its own rather than a process of this
// host: its own mounts and, when asked for, its own Docker Engine. Internal to
// cloud/local; needs root and util-linux (nsenter, unshare).
//
// Each instance has an anchor process (`sleep`) in the instance's network namespace and
// in a private mount namespace where /run is an empty tmpfs (so /var/run/docker.sock is
// not this host's), /var/lib/docker is the instance's own directory and the resolver
// refuses at once (no DNS reaches out of the namespace; lookups fail fast). The instance's
// sshd and Engine run in that mount namespace, so a session or a forwarded socket sees
// what it would see on a fresh VM. The Engine's containers live under the cgroup parent
// "/<id>": removing an instance kills what runs there (container processes have network
// namespaces of their own) and deletes its data root, as terminating a VM would.
#include <string>
#include <vector>

#include "cloud/local/local_provider.h"
#include "util/status.h"

namespace cloud::local {

class InstanceSystem {
 public:
  // `id` names the instance (and its cgroup parent); `state_prefix` is "<state dir>/<id>",
  // where its files live; `netns_path` is its network namespace (/run/netns/<id>).
  InstanceSystem(std::string id, std::string state_prefix, std::string netns_path);

  // Starts the anchor and waits (bounded) until its mounts are in place.
  util::Status Start();
  // argv prefix that runs a program inside the instance (its network and mounts);
  // kFailedPrecondition when the anchor is gone.
  util::Result<std::vector<std::string>> Enter() const;
  // Starts dockerd in the instance (detached, log in <prefix>.dockerd.log). It answers on
  // the instance's /var/run/docker.sock a moment later, as after cloud-init on a VM.
  // kInvalidArgument for daemon.json that is not a JSON object.
  util::Status StartEngine(const EngineConfig& engine) const;
  // Kills what runs under the instance's cgroup parent, removes its cgroups and the
  // instance's data root. Call after the namespace's own processes are gone. Idempotent.
  void RemoveLeftovers() const;

  // Shell lines doing RemoveLeftovers from a script (the dead-man watcher's power-off).
  std::string RemoveLeftoversShell() const;

  std::string DataRoot() const { return prefix_ + ".docker"; }

 private:
  std::string id_, prefix_, netns_path_;
};

}  // namespace cloud::local
