#include "connect/ssh/session_pool.h"

#include <memory>
#include <mutex>

namespace sshio {
namespace {

constexpr size_t kMaxIdle = 4;

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { ssh_init(); });
}

struct KeyFree {
  void operator()(ssh_key k) const { ssh_key_free(k); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyFree>;

// "SHA256:..." as OpenSSH prints it.
std::string Fingerprint(ssh_key key) {
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out = "?";
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == SSH_OK && hash != nullptr) {
    char* fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
    if (fp != nullptr) {
      out = fp;
      ssh_string_free_char(fp);
    }
    ssh_clean_pubkey_hash(&hash);
  }
  return out;
}

// The public key of a "type base64 [comment]" line.
KeyPtr ParsePublicLine(const std::string& line) {
  size_t sp = line.find(' ');
  if (sp == std::string::npos) return nullptr;
  std::string type = line.substr(0, sp);
  std::string b64 = line.substr(sp + 1);
  b64 = b64.substr(0, b64.find_first_of(" \t\r\n"));
  enum ssh_keytypes_e t = ssh_key_type_from_name(type.c_str());
  if (t == SSH_KEYTYPE_UNKNOWN) return nullptr;
  ssh_key key = nullptr;
  if (ssh_pki_import_pubkey_base64(b64.c_str(), t, &key) != SSH_OK) return nullptr;
  return KeyPtr(key);
}

std::string HostKeyHash(ssh_session s) {
  ssh_key key = nullptr;
  if (ssh_get_server_publickey(s, &key) != SSH_OK || key == nullptr) return "";
  unsigned char* hash = nullptr;
  size_t len = 0;
  std::string out;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == SSH_OK && hash != nullptr) {
    out.assign(reinterpret_cast<const char*>(hash), len);
    ssh_clean_pubkey_hash(&hash);
  }
  ssh_key_free(key);
  return out;
}

}  // namespace

void SessionFree::operator()(ssh_session s) const {
  if (ssh_is_connected(s)) ssh_disconnect(s);
  ssh_free(s);
}

void ChannelFree::operator()(ssh_channel c) const {
  if (ssh_channel_is_open(c)) ssh_channel_close(c);
  ssh_channel_free(c);
}

std::string SessionPool::Where() const {
  return "ssh " + e_.username + "@" + e_.host + ":" + std::to_string(e_.port);
}

util::Result<SessionPtr> SessionPool::Acquire(bool* reused) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!idle_.empty()) {
      SessionPtr s = std::move(idle_.back());
      idle_.pop_back();
      if (ssh_is_connected(s.get())) {
        *reused = true;
        return s;
      }
    }
  }
  *reused = false;
  return DialNew();
}

util::Result<SessionPtr> SessionPool::DialNew() {
  InitOnce();
  if (e_.host.empty()) return util::Status::InvalidArgument(Where() + ": no host");
  SessionPtr s(ssh_new());
  if (!s) return util::Status::Internal(Where() + ": cannot allocate a session");
  int port = e_.port;
  long secs = std::max<long>(1, static_cast<long>((e_.timeout.count() + 999) / 1000));
  int verbosity = SSH_LOG_NOLOG;
  int no = 0;
  ssh_options_set(s.get(), SSH_OPTIONS_HOST, e_.host.c_str());
  ssh_options_set(s.get(), SSH_OPTIONS_PORT, &port);
  if (!e_.username.empty()) ssh_options_set(s.get(), SSH_OPTIONS_USER, e_.username.c_str());
  ssh_options_set(s.get(), SSH_OPTIONS_TIMEOUT, &secs);
  ssh_options_set(s.get(), SSH_OPTIONS_LOG_VERBOSITY, &verbosity);
  ssh_options_set(s.get(), SSH_OPTIONS_PROCESS_CONFIG, &no);
  KeyPtr expected;
  if (!e_.host_key.empty()) {
    expected = ParsePublicLine(e_.host_key);
    if (!expected) return util::Status::InvalidArgument(Where() + ": the expected host key is not a readable public key");
    // Ask for that key's type only, so a server with several host keys shows the one we know.
    std::string algos = ssh_key_type_to_char(ssh_key_type(expected.get()));
    if (ssh_key_type(expected.get()) == SSH_KEYTYPE_RSA) algos = "rsa-sha2-512,rsa-sha2-256,ssh-rsa";
    ssh_options_set(s.get(), SSH_OPTIONS_HOSTKEYS, algos.c_str());
  }
  if (ssh_connect(s.get()) != SSH_OK) {
    return util::Status::Unavailable(Where() + ": cannot connect: " + ssh_get_error(s.get()));
  }
  if (expected) {
    // No trust on first use: the key must be the one the fleet gave the instance, checked
    // before our client key signs anything.
    ssh_key raw = nullptr;
    if (ssh_get_server_publickey(s.get(), &raw) != SSH_OK || raw == nullptr) {
      return util::Status::Unavailable(Where() + ": no host key");
    }
    KeyPtr got(raw);
    if (ssh_key_cmp(got.get(), expected.get(), SSH_KEY_CMP_PUBLIC) != 0) {
      return util::Status::PermissionDenied(Where() + ": " + kHostKeyMismatch + ": the server presented " +
                                            Fingerprint(got.get()) + ", the instance was given " +
                                            Fingerprint(expected.get()) + "; refusing it");
    }
  }
  std::string hash = HostKeyHash(s.get());
  if (hash.empty()) return util::Status::Unavailable(Where() + ": no host key");
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (pinned_.empty()) pinned_ = hash;
    if (pinned_ != hash) {
      return util::Status::PermissionDenied(Where() + ": host key changed since the first connection");
    }
  }
  int rc = SSH_AUTH_DENIED;
  if (!e_.key_pem.empty()) {
    ssh_key key = nullptr;
    if (ssh_pki_import_privkey_base64(e_.key_pem.c_str(), nullptr, nullptr, nullptr, &key) != SSH_OK ||
        key == nullptr) {
      return util::Status::InvalidArgument(Where() + ": the private key is not a readable unencrypted key");
    }
    rc = ssh_userauth_publickey(s.get(), nullptr, key);
    ssh_key_free(key);
  } else if (!e_.password.empty()) {
    rc = ssh_userauth_password(s.get(), nullptr, e_.password.c_str());
  } else {
    return util::Status::InvalidArgument(Where() + ": neither a private key nor a password");
  }
  if (rc == SSH_AUTH_ERROR) return util::Status::Unavailable(Where() + ": authentication: " + ssh_get_error(s.get()));
  if (rc != SSH_AUTH_SUCCESS) return util::Status::PermissionDenied(Where() + ": authentication refused");
  return s;
}

void SessionPool::Release(SessionPtr s) {
  if (!s || !ssh_is_connected(s.get())) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(s));
}

util::Status OpenChannel(SessionPool& pool, const std::function<int(ssh_channel)>& open, SessionPtr* session,
                         ChannelPtr* channel) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = false;
    auto s = attempt == 0 ? pool.Acquire(&reused) : pool.DialNew();
    if (!s.ok()) return s.status();
    ChannelPtr ch(ssh_channel_new(s->get()));
    if (ch && open(ch.get()) == SSH_OK) {
      *session = std::move(*s);
      *channel = std::move(ch);
      return util::Status::Ok();
    }
    std::string err = ssh_get_error(s->get());
    ch.reset();
    bool connected = ssh_is_connected(s->get());
    if (connected) pool.Release(std::move(*s));  // the session is fine; the request was refused
    if (reused && !connected) continue;
    return util::Status::Unavailable(pool.Where() + ": cannot open a channel: " + err);
  }
  return util::Status::Unavailable(pool.Where() + ": cannot open a channel");
}

}  // namespace sshio
