#pragma once
// The systemd unit `spotrunner install` writes and the Debian package ships (the package's
// copy, packaging/spotrunner.service, is this text for the package's defaults; a test keeps
// them equal).
#include <string>

#include "util/status.h"

namespace cli {

struct ServiceUnitOptions {
  std::string name = "spotrunner";  // the unit is <name>.service; --service in the unit too
  std::string binary = "/usr/bin/spotrunner";
  std::string config = "/etc/spotrunner/config.toml";
  std::string working_directory = "/var/lib/spotrunner";
  // As gitlab-runner's unit: the service runs as root (it holds config.toml, the cloud keys
  // and the Docker socket) and shell jobs run as `job_user` (`run --user`). `service_user`
  // is for an install by a user without root: User= of the unit.
  std::string job_user;      // empty or root: jobs run as the service's user
  std::string service_user;  // empty or root: root
};

// Seconds systemd waits after SIGQUIT before it kills what is left: running jobs finish
// (the default job timeout is 1 h) and then every instance of every fleet is removed.
inline constexpr int kServiceStopTimeoutSeconds = 7200;

// The unit text. Stop sends SIGQUIT to the main process only (KillMode=mixed: the manager
// lets running jobs end and removes its fleets, then exits); after TimeoutStopSec systemd
// kills the whole group. Output goes to the journal under the service's name; reload sends
// SIGHUP. Fails with kInvalidArgument when a value cannot be written into a unit (a name
// outside [A-Za-z0-9:_.-], a path that is not absolute, a control character).
util::Result<std::string> RenderServiceUnit(const ServiceUnitOptions& o);

// Whether `name` can name a unit: non-empty, at most 200 bytes, [A-Za-z0-9:_.-] only.
bool IsValidServiceName(const std::string& name);

}  // namespace cli
