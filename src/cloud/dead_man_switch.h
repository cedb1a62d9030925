#pragma once
// The dead-man switch of fleet instances: every instance removes itself when its manager
// has not been heard from for a while, so a manager host that dies for good (disk, zone,
// a deleted VM) does not leave instances running and billing forever.
//
// The manager's side is a heartbeat: HeartbeatCommand(), run over the instance's existing
// SSH connection, updates the modification time of a file on the instance. The instance's
// side is a watcher (WatcherScript(), POSIX sh) that compares that time with the
// instance's own clock (so clock skew between the two hosts does not matter) and powers
// the instance off once it is older than the timeout. On AWS the watcher comes with the
// cloud-init user data (a systemd unit) and the instance is launched with
// instance-initiated shutdown behaviour `terminate`, so powering off terminates it; the
// local provider starts it in the instance's namespace when the instance starts.
//
// The heartbeat file is /var/lib/spotrunner/heartbeat unless the SSH session's
// environment names another (kHeartbeatFileEnv): emulated instances share this host's
// filesystem, so each gets its own file that way.
#include <chrono>
#include <string>

namespace cloud {

inline constexpr char kHeartbeatFileEnv[] = "SPOTRUNNER_HEARTBEAT_FILE";
inline constexpr char kDefaultHeartbeatFile[] = "/var/lib/spotrunner/heartbeat";
// The watcher's environment variable holding the timeout in seconds (also how the EC2
// emulator recognises the watcher in user data).
inline constexpr char kDeadManTimeoutEnv[] = "SPOTRUNNER_DEAD_MAN_TIMEOUT";

// The shell command that tells the instance its manager is alive.
std::string HeartbeatCommand();

// How often the manager sends the heartbeat for `timeout`: a quarter of it, between
// 1 s and 1 min, so a few lost heartbeats never trip the switch.
std::chrono::seconds HeartbeatInterval(std::chrono::seconds timeout);

struct WatcherOptions {
  std::chrono::seconds timeout{1800};
  std::string heartbeat_file = kDefaultHeartbeatFile;
  // Shell lines run once at start after the heartbeat file exists (e.g. its owner).
  std::string prologue;
  // A shell condition; when it stops holding, the instance was removed by other means
  // and the watcher exits quietly. "" = always holds.
  std::string still_present;
  // Shell lines that power the instance off.
  std::string power_off = "systemctl poweroff || shutdown -h now || poweroff";
};

// The watcher (POSIX sh). It starts the count at its own start (a fresh heartbeat file),
// checks every few seconds and runs `power_off` once the file is older than the timeout.
// The timeout is read from kDeadManTimeoutEnv when set, else options.timeout.
std::string WatcherScript(const WatcherOptions& options);

}  // namespace cloud
