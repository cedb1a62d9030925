#pragma once
// Plain data exchanged with the Docker Engine API (the subset spotrunner uses).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/docker_values.h"

namespace executor::docker {

using Labels = std::map<std::string, std::string>;

// POST /containers/create: Config plus HostConfig fields.
struct ContainerSpec {
  std::string name;   // "" = Docker picks one
  std::string image;  // a canonical reference or an image id
  std::vector<std::string> cmd;
  // nullopt = the image's entrypoint; {""} clears it; anything else replaces it.
  std::optional<std::vector<std::string>> entrypoint;
  std::vector<std::string> env;  // "KEY=VALUE"
  std::string working_dir;
  std::string user;
  Labels labels;
  std::string platform;  // "" = the daemon's
  bool open_stdin = false;  // stdin stays open for an attach with stdin (not closed after it)

  // HostConfig
  std::vector<std::string> binds;  // "volume:/builds", "/host:/ctr:ro"
  std::string network_mode;        // "" = the daemon's default
  // DNS names on a user-defined `network_mode` network (not host, none, bridge, container:).
  std::vector<std::string> network_aliases;
  bool privileged = false;
  std::vector<std::string> cap_add, cap_drop, security_opt, dns, extra_hosts;
  std::vector<std::string> devices;  // "/dev/host[:/dev/ctr[:rwm]]"
  std::map<std::string, std::string> tmpfs;  // container path -> mount options
  int64_t memory_bytes = 0;  // 0 = unlimited
  int64_t nano_cpus = 0;     // 0 = unlimited
  int64_t shm_size = 0;      // 0 = the daemon's default
  // [runners.docker] settings gitlab-runner passes through; ""/0/empty = the daemon's default.
  std::string hostname;     // Config.Hostname
  std::string mac_address;  // Config.MacAddress (API <= 1.43)
  std::string runtime, userns_mode, ipc_mode, pid_mode, cgroup_parent, volume_driver;
  std::string cpuset_cpus, cpuset_mems;
  int64_t cpu_shares = 0;
  int64_t memory_swap = 0;         // -1 would be unlimited; 0 = default
  int64_t memory_reservation = 0;
  bool oom_kill_disable = false;
  int oom_score_adj = 0;
  std::vector<std::string> dns_search, group_add, device_cgroup_rules, volumes_from, links;
  std::vector<config::Ulimit> ulimits;
  std::vector<config::GpuRequest> device_requests;
  std::map<std::string, std::string> sysctls;
  std::map<std::string, std::string> log_options;  // json-file driver options
};

struct ImageInfo {
  std::string id;
  std::vector<std::string> repo_tags;
  std::string os;
  std::string architecture;
  std::string user;  // Config.User: who the image's processes run as ("" = root)
  int64_t size = 0;  // bytes of its layers, unpacked
};

struct ContainerSummary {
  std::string id;
  std::vector<std::string> names;
  std::string image;
  std::string state;  // "created", "running", "exited", ...
  Labels labels;
};

// GET /containers/{id}/json: what the services wait needs.
struct ContainerInfo {
  std::string id;
  std::string name;    // without the leading "/"
  std::string status;  // "created", "running", "exited", ...
  int exit_code = 0;
  std::vector<std::string> ips;  // one per network the container is on
  std::vector<int> exposed_tcp_ports;  // Config.ExposedPorts "N/tcp", ascending
  std::vector<std::string> env;        // Config.Env "KEY=VALUE"
};

struct NetworkSummary {
  std::string id;
  std::string name;
  Labels labels;
};

struct VolumeSummary {
  std::string name;
  Labels labels;
};

struct VersionInfo {
  std::string version;          // engine version, "20.10.24+dfsg1"
  std::string api_version;      // newest API the daemon speaks, "1.41"
  std::string min_api_version;  // oldest, "1.12"
  std::string os, arch;
};

}  // namespace executor::docker
