#pragma once
// cloud::local::LocalProvider: a fleet whose instances are Linux network namespaces on
// this host, so the whole autoscaling path (launch, boot, SSH, docker over SSH, removal,
// adoption after a restart) runs for real without a cloud. Needs root, iproute2, sshd.
//
// One instance = netns "sr-<fleet>-<n>" ("sr-<fleet>-<m>-<n>" when the options name a
// manager: <m> is a short hash of its system_id) with one veth ("eth0") into a bridge the provider
// creates (fixed MAC, address .1 of the fleet's /24), address .<n+1>, and its own sshd
// listening on that address with a host key generated for that instance (Connect()
// hands out its public half: the only key the manager accepts) and the fleet's authorized key. The names are
// the tags: List() finds this fleet's namespaces after a restart and ignores the others.
// State (keys, sshd configs, launch times) lives in `state_dir`; a second provider on the
// same options and state dir adopts the instances. The bridge goes with the last instance.
// Two managers on one config.toml name their instances, bridge, subnet and default state
// dir after their own system_id, so neither lists (removes, adopts) the other's.
//
// Dead-man switch (cloud/dead_man_switch.h): with a timeout, each instance starts a watcher
// in its namespace that removes the instance (its processes, namespace and state files)
// when the manager has not touched its heartbeat file (<state_dir>/<id>.heartbeat, which
// the instance's sshd names in the session environment) for that long.
//
// An instance shares the host's filesystem except /run (an empty tmpfs of its own) and
// /var/lib/docker (its own directory): cloud/local/instance_system.h. With `docker_engine`
// each instance runs a Docker Engine of its own on its /var/run/docker.sock, with an empty
// image store, as a fresh VM whose image carries Docker; without it there is no Engine.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cloud/provider.h"
#include "util/clock.h"
#include "util/status.h"

namespace cloud::local {

// The Docker Engine an instance runs: daemon.json text ("" = the Engine's defaults) and
// extra environment of dockerd (NAME=value, as engine-env).
struct EngineConfig {
  std::string daemon_json;
  std::vector<std::string> env;
};

struct LocalOptions {
  std::string fleet;       // [a-z0-9-]{1,20}; names the netns and derives defaults
  std::string subnet;      // "10.a.b.0/24"; "" = derived from the fleet name
  std::string bridge;      // <= 15 chars; "" = "srb" + hash of the fleet
  std::chrono::milliseconds boot_delay{0};  // kCreating at least this long after launch
  std::string state_dir;   // "" = /var/lib/spotrunner/local/<fleet>
  int max_instances = 50;  // Increase grants at most up to this many (<= 253)
  std::string username = "root";
  // false (default): the fleet's own client key opens every instance. true: each instance
  // starts with an empty authorized_keys of its own and opens only to the keys given to
  // SetAuthorizedKeys (the EC2 emulator installs those of an instance's user data), and
  // Connect() carries no key.
  bool instance_keys = false;
  // The manager's system_id: separates the fleets of managers sharing one config.toml.
  // "" = none (names as above without <m>).
  std::string manager;
  // Dead-man switch timeout started with every instance; zero = none.
  std::chrono::seconds dead_man_timeout{0};
  // Every instance starts a Docker Engine of its own with this configuration; none = no
  // Engine (the EC2 emulator starts one per instance when its user data asks for it).
  std::optional<EngineConfig> docker_engine;
};

// Parses [runners.autoscaler.plugin_config] JSON: {"name"|"fleet", "subnet", "bridge",
// "boot_delay" ("2s", "500ms" or seconds as a number), "state_dir", "max_instances",
// "username", "docker_engine" (true, false, or the instance Engine's daemon.json as a
// table)}; "name" is required, the rest have defaults; without "docker_engine" the
// instances of a docker executor's fleet (`docker_executor`) run an Engine with defaults,
// as the VM image of a docker-autoscaler fleet carries Docker. `where` prefixes errors
// (e.g. the runner name); unknown keys and bad values are kInvalidArgument naming the key.
util::Result<LocalOptions> ParseLocalOptions(const std::string& json, const std::string& where,
                                             bool docker_executor = false);

class LocalProvider final : public Provider {
 public:
  // Validates options, creates the state dir and the fleet keys (kept across restarts).
  // Creates no network object yet. `clock` must outlive the provider.
  static util::Result<std::unique_ptr<LocalProvider>> Create(const LocalOptions& opts,
                                                              const util::Clock& clock = util::SystemClock::Get());
  ~LocalProvider() override;  // leaves instances running (a restart adopts them)

  util::Result<std::vector<InstanceInfo>> List() override;
  util::Result<int> Increase(int n) override;
  util::Result<std::vector<std::string>> Decrease(const std::vector<std::string>& ids) override;
  util::Result<ConnectInfo> Connect(const std::string& id) override;
  std::vector<ProviderEvent> TakeEvents() override;

  // Replaces the authorized keys of instance `id` (authorized_keys lines; sshd reads them
  // at the next login). kFailedPrecondition unless options().instance_keys; kNotFound for
  // an id that is not a present instance of this fleet; kIOError when the file cannot be
  // written.
  util::Status SetAuthorizedKeys(const std::string& id, const std::vector<std::string>& keys);

  // Replaces instance `id`'s SSH host key (OpenSSH private key text) and restarts its sshd,
  // as cloud-init does with the `ssh_keys` of user data (the EC2 emulator calls it). Later
  // Connect() answers carry its public half. kNotFound, kInvalidArgument for an unreadable
  // key, kIOError/kUnavailable when the key cannot be written or sshd not restarted.
  util::Status SetHostKey(const std::string& id, const std::string& private_pem);
  // Starts the dead-man switch watcher of instance `id` (the EC2 emulator: when the user
  // data of the instance asks for one). kNotFound for an id that is not a present instance.
  util::Status StartDeadManSwitch(const std::string& id, std::chrono::seconds timeout);
  // Starts instance `id`'s own Docker Engine (the EC2 emulator: when the user data of the
  // instance installs one). It answers on the instance's /var/run/docker.sock shortly
  // after. kNotFound for an id that is not a present instance; kInvalidArgument for
  // daemon.json that is not a JSON object.
  util::Status StartEngine(const std::string& id, const EngineConfig& engine);

  const LocalOptions& options() const { return opts_; }

 private:
  struct Impl;
  LocalProvider(LocalOptions opts, const util::Clock& clock);
  LocalOptions opts_;
  const util::Clock& clock_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cloud::local
