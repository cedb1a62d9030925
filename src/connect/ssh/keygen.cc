#include <libssh/libssh.h>

#include <memory>

#include "connect/ssh/sshio.h"

namespace sshio {
namespace {

struct KeyFree {
  void operator()(ssh_key k) const { ssh_key_free(k); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyFree>;

util::Result<std::string> PublicLine(ssh_key key) {
  char* b64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key, &b64) != SSH_OK || b64 == nullptr) {
    return util::Status::Internal("ssh key: cannot export the public key");
  }
  std::string line = std::string(ssh_key_type_to_char(ssh_key_type(key))) + " " + b64;
  ssh_string_free_char(b64);
  return line;
}

}  // namespace

util::Status GenerateEd25519(std::string* private_pem, std::string* public_line) {
  ssh_key raw = nullptr;
  if (ssh_pki_generate(SSH_KEYTYPE_ED25519, 0, &raw) != SSH_OK || raw == nullptr) {
    return util::Status::Internal("ssh key: cannot generate an ed25519 key");
  }
  KeyPtr key(raw);
  char* b64 = nullptr;
  if (ssh_pki_export_privkey_base64(key.get(), nullptr, nullptr, nullptr, &b64) != SSH_OK || b64 == nullptr) {
    return util::Status::Internal("ssh key: cannot export the private key");
  }
  *private_pem = b64;
  ssh_string_free_char(b64);
  if (private_pem->empty() || private_pem->back() != '\n') *private_pem += '\n';
  auto pub = PublicLine(key.get());
  if (!pub.ok()) return pub.status();
  *public_line = std::move(*pub);
  return util::Status::Ok();
}

util::Result<std::string> PublicLineOf(const std::string& private_pem) {
  ssh_key raw = nullptr;
  if (ssh_pki_import_privkey_base64(private_pem.c_str(), nullptr, nullptr, nullptr, &raw) != SSH_OK ||
      raw == nullptr) {
    return util::Status::InvalidArgument("ssh key: not a readable unencrypted private key");
  }
  KeyPtr key(raw);
  return PublicLine(key.get());
}

}  // namespace sshio
