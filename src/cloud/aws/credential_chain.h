#pragma once
// cloud::aws::CredentialChain: finds the manager's AWS credentials the way the AWS SDKs do,
// and keeps temporary ones fresh. Sources, first that yields keys wins:
//   1. keys written in config.toml (amazonec2-access-key/-secret-key, like gitlab-runner);
//   2. the environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
//      (or AWS_SECURITY_TOKEN);
//   3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials),
//      section [<profile>];
//   4. the shared config file (AWS_CONFIG_FILE, ~/.aws/config), section [profile <name>]
//      or [default]; the profile is the configured one, else AWS_PROFILE, else "default";
//   5. the instance role through IMDSv2 (unless AWS_EC2_METADATA_DISABLED=true).
// Temporary credentials are fetched again 10 minutes before they expire.
// Not thread-safe; the provider serializes calls.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "cloud/aws/credentials.h"
#include "cloud/aws/imds_client.h"
#include "util/clock.h"
#include "util/http_client.h"
#include "util/status.h"

namespace cloud::aws {

struct CredentialChainOptions {
  std::function<std::optional<std::string>(const std::string&)> env;  // null = process env
  std::string home;              // "" = $HOME
  std::string profile;           // "" = AWS_PROFILE / AWS_DEFAULT_PROFILE / "default"
  std::string credentials_file;  // "" = AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials
  std::string config_file;       // "" = AWS_CONFIG_FILE or ~/.aws/config
  std::string access_key;        // from config.toml
  std::string secret_key;        // from config.toml; never logged
  std::string session_token;     // from config.toml
  std::string imds_endpoint = kDefaultImdsEndpoint;
  util::Duration refresh_before = std::chrono::minutes(10);
};

class CredentialChain {
 public:
  // `http` is used for IMDS only; it and `clock` must outlive the chain.
  CredentialChain(CredentialChainOptions options, util::HttpTransport& http, const util::Clock& clock);
  CredentialChain(const CredentialChain&) = delete;
  CredentialChain& operator=(const CredentialChain&) = delete;

  // Cached credentials, fetched again when they expire within refresh_before.
  // kNotFound (naming every place looked at) when no source has any; kInvalidArgument for a
  // half-filled source (a key id without its secret, naming the file and profile).
  util::Result<Credentials> Get();
  // Drops the cache (after an AWS answer that says the keys expired).
  void Invalidate() { cached_.reset(); }

 private:
  util::Result<Credentials> Resolve();
  std::optional<std::string> Env(const std::string& name) const;

  CredentialChainOptions options_;
  const util::Clock& clock_;
  ImdsClient imds_;
  std::optional<Credentials> cached_;
};

// Reads an INI-style AWS shared file: the keys of section `section` (exact name between
// the brackets, e.g. "default" or "profile ci"). kNotFound if the file or section is absent.
util::Result<std::map<std::string, std::string>> ReadAwsIniSection(const std::string& path,
                                                                   const std::string& section);

}  // namespace cloud::aws
