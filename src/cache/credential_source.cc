#include "cache/credential_source.h"

#include <algorithm>
#include <mutex>

#include "util/http_client.h"

namespace cache {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// One chain and the HTTP client its IMDS calls use, shared by copies of the source.
struct ChainState {
  ChainState(cloud::aws::CredentialChainOptions options, const util::Clock& clock)
      : chain(std::move(options), http, clock) {}
  std::mutex mu;
  util::HttpClient http;
  cloud::aws::CredentialChain chain;
};

}  // namespace

std::string EffectiveAuthenticationType(const config::CacheS3Config& s3) {
  std::string t = Lower(s3.authentication_type);
  if (!t.empty()) return t;
  return !s3.server_address.empty() && !s3.access_key.empty() && !s3.secret_key.empty() ? "access-key" : "iam";
}

util::Result<CredentialSource> MakeCredentialSource(const config::CacheS3Config& s3, const util::Clock& clock,
                                                    cloud::aws::CredentialChainOptions chain) {
  std::string type = EffectiveAuthenticationType(s3);
  if (type == "access-key") {
    if (s3.access_key.empty() || s3.secret_key.empty()) {
      return util::Status::InvalidArgument(
          "[runners.cache.s3] AuthenticationType is access-key but AccessKey or SecretKey is empty");
    }
    cloud::aws::Credentials c;
    c.access_key_id = s3.access_key;
    c.secret_access_key = s3.secret_key;
    c.session_token = s3.session_token;
    c.source = "[runners.cache.s3]";
    return CredentialSource([c]() -> util::Result<cloud::aws::Credentials> { return c; });
  }
  if (type != "iam") {
    return util::Status::InvalidArgument("[runners.cache.s3] AuthenticationType \"" + s3.authentication_type +
                                         "\" is not access-key or iam");
  }
  // IAM never uses the keys written in [runners.cache.s3] (gitlab-runner ignores them too).
  chain.access_key.clear();
  chain.secret_key.clear();
  chain.session_token.clear();
  auto state = std::make_shared<ChainState>(std::move(chain), clock);
  return CredentialSource([state]() -> util::Result<cloud::aws::Credentials> {
    std::lock_guard<std::mutex> lock(state->mu);
    auto c = state->chain.Get();
    if (!c.ok()) return c.status().WithContext("[runners.cache.s3] AuthenticationType iam");
    return c;
  });
}

}  // namespace cache
