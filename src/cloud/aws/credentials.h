#pragma once
// cloud::aws::Credentials: one set of AWS keys as the signer uses them, plus where they
// came from (for messages) and when they expire (temporary keys from IMDS, STS or a
// credential file with a session token). Plain copyable data; the secret and the token
// are never logged: print Describe() instead.
#include <optional>
#include <string>

#include "util/clock.h"

namespace cloud::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;  // never logged
  std::string session_token;      // empty for long-term keys; never logged
  std::optional<util::Time> expiration;  // set for temporary keys
  std::string source;  // "environment", "shared credentials file ~/.aws/credentials [ci]", ...

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
  // True when the keys expire before `now + margin` (never for long-term keys).
  bool ExpiresWithin(util::Time now, util::Duration margin) const {
    return expiration.has_value() && *expiration - margin <= now;
  }
  // "AKIA…MPLE from <source>": safe to log (the key id is not a secret, but is shortened).
  std::string Describe() const;
};

}  // namespace cloud::aws
