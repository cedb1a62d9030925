#pragma once
// What an emulated instance takes from its user data. EC2 hands user data to the
// instance as bytes; on a real AMI cloud-init reads it. The emulator does the one part of
// cloud-init a manager relies on: the SSH keys of `#cloud-config` (`ssh_authorized_keys`
// at the top and under each entry of `users`), also inside a MIME multipart archive
// (`Content-Type: multipart/mixed`, parts `text/cloud-config` or starting with
// `#cloud-config`), and whether the instance ends up running a Docker Engine and how it
// is configured. Everything else (other packages, runcmd, scripts) is accepted and
// ignored. MIME parts are read as text (no Content-Transfer-Encoding).
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "cloud/local/local_provider.h"
#include "util/status.h"

namespace ec2emulator {

// EC2's limit on user data, before base64 (RunInstances refuses more).
inline constexpr size_t kMaxUserDataBytes = 16 * 1024;

// Decodes the RunInstances `UserData` parameter (base64, whitespace allowed).
// kInvalidArgument with EC2's wording for bad base64 or more than kMaxUserDataBytes.
util::Result<std::string> DecodeUserData(const std::string& base64);

// The authorized_keys lines the user data installs, in order, without duplicates.
// Empty for user data that is not cloud-config (a shell script, nothing).
std::vector<std::string> AuthorizedKeysOf(const std::string& user_data);

// The SSH host key the user data gives the instance: cloud-config `ssh_keys` with
// `ed25519_private` (a literal block, as cloud-init takes it) and `ed25519_public`.
// Both empty when there is none; kInvalidArgument when only one half is there.
struct SshHostKey {
  std::string private_pem;
  std::string public_line;
};
util::Result<SshHostKey> HostKeyOf(const std::string& user_data);
// The timeout of the dead-man switch the user data installs (cloud/dead_man_switch.h:
// the watcher's unit sets SPOTRUNNER_DEAD_MAN_TIMEOUT=<seconds>); zero when it installs
// none. The emulator starts the local instance's own watcher with it, as the unit would.
std::chrono::seconds DeadManTimeoutOf(const std::string& user_data);

// The Docker Engine the user data installs or starts, as a stock image would end up with
// it after cloud-init: present when cloud-config `packages` names docker.io, docker,
// docker-ce or docker-engine, or a script, runcmd or written file installs one with
// apt-get/apt/dnf/yum, runs an install script of get.docker.com, or starts docker.service.
// Its configuration is what the user data writes to /etc/docker/daemon.json, its
// environment the Environment= lines of docker.service drop-ins it writes.
// nullopt = the instance has no Engine.
std::optional<cloud::local::EngineConfig> EngineOf(const std::string& user_data);

}  // namespace ec2emulator
