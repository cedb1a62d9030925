#include "connect/ssh/ssh_keys.h"

#include "connect/ssh/sshio.h"

namespace connect {

util::Result<KeyPair> GenerateKeyPair(const std::string& comment) {
  KeyPair kp;
  SR_RETURN_IF_ERROR(sshio::GenerateEd25519(&kp.private_pem, &kp.public_line));
  if (!comment.empty()) kp.public_line += " " + comment;
  return kp;
}

util::Result<std::string> PublicLineOf(const std::string& private_pem, const std::string& comment) {
  auto line = sshio::PublicLineOf(private_pem);
  if (!line.ok()) return line.status();
  return comment.empty() ? *line : *line + " " + comment;
}

}  // namespace connect
