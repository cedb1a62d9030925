#pragma once
// cloud::EngineOptions: the Docker Engine an instance is to run, as docker+machine's
// `engine-*` MachineOptions describe it, and the files that apply it on the instance.
// docker+machine put these on dockerd's command line; we write them to
// /etc/docker/daemon.json (the distribution's unit keeps its own flags, e.g. `-H fd://`)
// and engine-env to a systemd drop-in of docker.service. Plain copyable data.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace cloud {

struct EngineOptions {
  // engine-install-url: a script that installs the Engine (docker+machine ran
  // get.docker.com this way). "" = the distribution's package (docker.io on Debian and
  // Ubuntu, docker on Amazon Linux 2023). Either way only when no Engine is installed.
  std::string install_url;
  std::vector<std::string> registry_mirrors;     // engine-registry-mirror (repeatable)
  std::vector<std::string> insecure_registries;  // engine-insecure-registry (repeatable)
  std::vector<std::string> labels;               // engine-label key=value (repeatable)
  std::string storage_driver;                    // engine-storage-driver ("" = the Engine's choice)
  // engine-opt flag=value (repeatable): any dockerd flag, written under its daemon.json
  // name ("log-driver=none" -> "log-driver": "none"; "dns=1.1.1.1" -> "dns": [...]).
  std::vector<std::pair<std::string, std::string>> opts;
  std::vector<std::string> env;  // engine-env NAME=value (repeatable): dockerd's environment

  bool operator==(const EngineOptions&) const = default;
};

// True for the names this file understands ("engine-opt", "engine-label", ...).
bool IsEngineOption(const std::string& name);

// Adds one MachineOptions entry `name`=`value` (REQUIRES: IsEngineOption(name)).
// kInvalidArgument naming the entry ("MachineOptions \"engine-env=X\": ...") for a value
// that cannot work: an engine-env without NAME=, an engine-opt without a flag name or one
// that clashes with the distribution's unit (host, containerd, config-file).
util::Status AddEngineOption(EngineOptions* e, const std::string& name, const std::string& value);

// The daemon.json text (keys sorted, ends with a newline); "" when nothing is set.
// kInvalidArgument naming the engine-opt for a value of the wrong type (mtu=abc) or a flag
// given twice with different values.
util::Result<std::string> DaemonJson(const EngineOptions& e);

// The docker.service drop-in that sets engine-env ("[Service]\nEnvironment=..."); "" for none.
std::string EnvDropIn(const EngineOptions& e);

}  // namespace cloud
