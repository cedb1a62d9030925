#pragma once
// The user data an instance of the fleet boots with: cloud-init installs the manager's
// per-fleet public key for the SSH user, so the manager reaches a fresh instance without
// an EC2 key pair. A user's own user data (amazonec2-userdata / plugin userdata_file) is
// kept: both go into one MIME multipart archive, the user's part first and ours last with
// a Merge-Type that appends lists, so neither replaces the other's `users` or keys.
// The result is raw text; RunInstances wants it base64-encoded (Base64 below).
#include <string>

#include "util/status.h"

namespace cloud::aws {

// EC2 refuses more than this many bytes of user data (before base64).
inline constexpr size_t kMaxUserDataBytes = 16 * 1024;

// `ssh_user` and `public_key` (an authorized_keys line) make our cloud-config; "" for
// `public_key` means none. `user_part` is the user's user data ("" = none): a
// `#cloud-config`, a script (`#!`), any other cloud-init format, or a MIME archive.
// Returns "" when there is neither. kInvalidArgument when the result exceeds EC2's limit
// or a value would break the document (a newline in the key or user name).
util::Result<std::string> BuildUserData(const std::string& ssh_user, const std::string& public_key,
                                        const std::string& user_part);

// Standard base64 with padding (EC2's UserData parameter).
std::string Base64(const std::string& bytes);

}  // namespace cloud::aws
