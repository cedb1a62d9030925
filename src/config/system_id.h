#pragma once
// The runner manager's system id (sent as system_id to GitLab), kept in .runner_system_id
// next to config.toml, derived as gitlab-runner derives it.
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace config {

// "s_" + the first 12 hex digits of HMAC-SHA256(key = machine_id with surrounding whitespace
// removed, message = "gitlab-runner").
std::string SystemIdFromMachineId(std::string_view machine_id);

// "r_" + 12 random letters and digits (OpenSSL's RNG).
std::string RandomSystemId();

// "s_" or "r_" followed by exactly 12 ASCII letters or digits.
bool IsValidSystemId(std::string_view id);

struct SystemIdOptions {
  // Tried in order; the first non-empty one is the machine id. None → a random id.
  std::vector<std::string> machine_id_files = {"/etc/machine-id", "/var/lib/dbus/machine-id"};
};

// Returns the id stored in ".runner_system_id" in the directory of `config_path` when that
// file holds a valid id (surrounding whitespace ignored). Otherwise (missing, empty, invalid)
// derives a new one (SystemIdFromMachineId, else RandomSystemId), stores it atomically with
// mode 0600 and returns it. Fails with kIOError/kPermissionDenied when the file cannot be read
// or written.
util::Result<std::string> LoadOrCreateSystemId(const std::string& config_path, const SystemIdOptions& options = {});

// The path of the id file for `config_path` ("dir/.runner_system_id").
std::string SystemIdPath(const std::string& config_path);

}  // namespace config
