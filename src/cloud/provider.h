#pragma once
// cloud::Provider: the small seam between the autoscaler and a cloud (fleeting-like).
// One Provider object manages one fleet (one instance group); instances of other fleets
// are invisible to it. Tags on the cloud side are the source of truth for ownership, so
// a restarted manager lists what it left and adopts or removes it.
//
// Implementations: AwsProvider, LocalProvider (cloud/local), SimProvider (sim/).
// Thread safety: none required; the caller serializes calls. Methods may block on the
// network in real implementations; callers bound them with their own timeouts.
// Not copyable.
#include <string>
#include <vector>

#include "util/clock.h"
#include "util/status.h"

namespace cloud {

enum class InstanceState {
  kCreating,  // requested or booting; not reachable yet
  kRunning,   // up; connect info available
  kDeleting,  // a delete is in progress
  kDeleted,   // gone (may still be listed briefly)
  kStopped,   // exists but does not run (e.g. EC2 `stopped`, `stopping`): still ours, still
              // costs (volumes, addresses); it serves no job and must be removed
};

const char* InstanceStateName(InstanceState s);

struct InstanceInfo {
  std::string id;  // stable, unique within the fleet
  InstanceState state = InstanceState::kCreating;
  util::Time launched{};  // when the cloud accepted the launch
};

struct ConnectInfo {
  std::string id;
  std::string os = "linux";
  std::string arch = "amd64";
  std::string protocol = "ssh";
  int port = 22;
  std::string username;
  std::string key_pem;  // private key; never log it
  std::string password;
  // The instance's SSH host key as the provider generated and gave it ("ssh-ed25519
  // AAAA..."): the only key the connection accepts (connect::Endpoint::host_key).
  // "" when the provider cannot know it (accept-and-pin then).
  std::string host_key;
  std::string internal_addr;
  std::string external_addr;
};

struct ProviderEvent {
  enum class Kind {
    kGone,                // the instance vanished (terminated by the cloud or by hand)
    kInterruptionNotice,  // spot reclaim announced; gone at `deadline`
  };
  Kind kind = Kind::kGone;
  std::string id;
  util::Time at{};        // when the provider observed it
  util::Time deadline{};  // kInterruptionNotice: expected disappearance
};

class Provider {
 public:
  Provider() = default;
  Provider(const Provider&) = delete;
  Provider& operator=(const Provider&) = delete;
  virtual ~Provider() = default;

  // Lists every instance of this fleet, sorted by id.
  // Idempotent, no side effects. On failure: kUnavailable (transient, retry later) or
  // kPermissionDenied; the caller keeps its previous view.
  virtual util::Result<std::vector<InstanceInfo>> List() = 0;

  // Asks for `n` more instances (REQUIRES: n > 0). NOT idempotent: a retry after a lost
  // answer may launch twice, which the next List() reveals.
  // On success returns how many were granted, 0..n: a partial grant is success (e.g. spot
  // capacity for only some). New ids appear in List() later, first as kCreating.
  // On failure nothing was launched: kResourceExhausted (no capacity, quota),
  // kUnavailable (throttled or transient), kPermissionDenied, kInvalidArgument.
  virtual util::Result<int> Increase(int n) = 0;

  // Deletes these instances. Idempotent: an id already deleting or unknown counts as done.
  // On success returns the ids whose deletion was accepted (possibly fewer than asked:
  // partial success; the caller retries the rest later). On failure none was accepted.
  virtual util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) = 0;

  // How to reach a running instance. Idempotent (may mint a fresh key each call).
  // kNotFound if the id is unknown, kFailedPrecondition if it is not running yet.
  virtual util::Result<ConnectInfo> Connect(const std::string& id) = 0;

  // Drains the events observed since the last call, oldest first. Never fails; an
  // implementation without an event source returns nothing (List() still reveals gone
  // instances by their absence).
  virtual std::vector<ProviderEvent> TakeEvents() = 0;

  // Notices only the instance itself can see (AWS: the spot interruption notice in its
  // metadata service). A shell command the caller runs over each ready instance's own
  // connection at a bounded interval; "" (the default) = nothing to probe. Constant for
  // the provider's life; no side effects.
  virtual std::string InstanceProbeCommand() const { return ""; }
  // The output of that command on instance `id`, read at `now`. Returns true when it held
  // a notice not reported before; the next TakeEvents() then yields it (e.g.
  // kInterruptionNotice). Never fails; the default ignores the output.
  virtual bool OnInstanceProbe(const std::string& /*id*/, const std::string& /*output*/, util::Time /*now*/) {
    return false;
  }
};

inline const char* InstanceStateName(InstanceState s) {
  switch (s) {
    case InstanceState::kCreating: return "creating";
    case InstanceState::kRunning: return "running";
    case InstanceState::kDeleting: return "deleting";
    case InstanceState::kDeleted: return "deleted";
    case InstanceState::kStopped: return "stopped";
  }
  return "?";
}

}  // namespace cloud
