#pragma once
// Per-fleet SSH key pairs (ed25519, generated with libssh): the private key goes into
// connect::Endpoint::key_pem / cloud::ConnectInfo::key_pem, the public key into the
// instance's authorized_keys (or its sshd HostKey, for host keys).
#include <string>

#include "util/status.h"

namespace connect {

struct KeyPair {
  std::string private_pem;  // OpenSSH private key text ("-----BEGIN OPENSSH PRIVATE KEY-----"); never log it
  std::string public_line;  // authorized_keys line: "ssh-ed25519 AAAA... <comment>"
};

// Generates a fresh ed25519 key pair; `comment` ends the public line (may be empty).
util::Result<KeyPair> GenerateKeyPair(const std::string& comment);

// The authorized_keys line of a private key (e.g. one read back from a state dir).
util::Result<std::string> PublicLineOf(const std::string& private_pem, const std::string& comment);

}  // namespace connect
