#pragma once
// The Docker Engine in an instance's cloud-init user data, so a stock Debian, Ubuntu or
// Amazon Linux 2023 image runs docker jobs: a cloud-config part that writes the Engine's
// configuration (cloud/engine_options.h: /etc/docker/daemon.json, a docker.service
// drop-in for engine-env) and a script that runcmd starts: it installs the Engine only
// when the image has none (the distribution's package through apt-get or dnf, or the
// engine-install-url script), adds the SSH user to group docker (the manager reaches
// /var/run/docker.sock as that user through SSH) and (re)starts docker.service so the
// configuration applies. The manager counts the instance ready only when that Engine
// answers (manager/fleet_runner.h).
#include <string>

#include "cloud/engine_options.h"
#include "util/status.h"

namespace cloud::aws {

inline constexpr char kEngineScriptPath[] = "/usr/local/sbin/spotrunner-engine";
inline constexpr char kEngineDropInPath[] = "/etc/systemd/system/docker.service.d/spotrunner-engine-env.conf";

// The install-and-start script (a POSIX sh script) for `ssh_user`.
// kInvalidArgument for a user name or install URL that cannot be quoted in it.
util::Result<std::string> EngineScript(const EngineOptions& e, const std::string& ssh_user);

// The cloud-config document: write_files (daemon.json and the drop-in only when options
// ask for them, so an image's or a user's own daemon.json stays otherwise) and runcmd.
util::Result<std::string> EngineCloudConfig(const EngineOptions& e, const std::string& ssh_user);

}  // namespace cloud::aws
