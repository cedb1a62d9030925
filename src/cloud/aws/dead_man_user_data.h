#pragma once
// The dead-man switch (cloud/dead_man_switch.h) in an instance's cloud-init user data:
// a cloud-config part that writes the watcher script and a systemd unit running it, and
// starts the unit (without systemd: the script in the background). The instance is
// launched with instance-initiated shutdown behaviour `terminate`, so the watcher's
// power-off terminates it.
#include <chrono>
#include <string>

#include "util/status.h"

namespace cloud::aws {

// The cloud-config document of the switch. `ssh_user` gets the heartbeat file (the
// manager touches it over SSH as that user).
util::Result<std::string> DeadManSwitchCloudConfig(const std::string& ssh_user, std::chrono::seconds timeout);

// `user_data` (BuildUserData's result: "", a cloud-config, a script, or a MIME archive)
// with the switch's cloud-config appended as one more part of a MIME multipart archive
// (lists appended, nothing replaced). kInvalidArgument beyond EC2's 16 KB.
util::Result<std::string> WithDeadManSwitch(const std::string& user_data, const std::string& ssh_user,
                                            std::chrono::seconds timeout);

}  // namespace cloud::aws
