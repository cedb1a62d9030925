#include "cloud/aws/credential_chain.h"

#include <cstdlib>
#include <fstream>
#include <map>

namespace cloud::aws {
namespace {

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r"), b = s.find_last_not_of(" \t\r");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

// Keys from an INI section, or nullopt when there is none. Errors for half-filled keys.
util::Result<std::optional<Credentials>> FromIni(const std::string& path, const std::string& section,
                                                const std::string& what) {
  auto keys = ReadAwsIniSection(path, section);
  if (!keys.ok()) {
    if (keys.status().code() == util::Status::Code::kNotFound) return std::optional<Credentials>();
    return keys.status();
  }
  std::string id = (*keys)["aws_access_key_id"], secret = (*keys)["aws_secret_access_key"];
  if (id.empty() && secret.empty()) return std::optional<Credentials>();
  std::string where = what + " " + path + " [" + section + "]";
  if (id.empty() || secret.empty())
    return util::Status::InvalidArgument(where + " has " + (id.empty() ? "aws_secret_access_key without aws_access_key_id"
                                                                       : "aws_access_key_id without aws_secret_access_key"));
  Credentials c{id, secret, (*keys)["aws_session_token"], std::nullopt, where};
  return std::optional<Credentials>(c);
}

}  // namespace

util::Result<std::map<std::string, std::string>> ReadAwsIniSection(const std::string& path,
                                                                   const std::string& section) {
  std::ifstream in(path);
  if (!in) return util::Status::NotFound(path + " does not exist");
  std::map<std::string, std::string> out;
  bool in_section = false, found = false;
  std::string line;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      // "[profile  ci]" and "[ profile ci ]" both name "profile ci".
      std::string name = Trim(t.substr(1, t.size() - 2));
      if (name.rfind("profile", 0) == 0 && name.size() > 7 && (name[7] == ' ' || name[7] == '\t'))
        name = "profile " + Trim(name.substr(8));
      in_section = name == section;
      found |= in_section;
      continue;
    }
    if (!in_section) continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) continue;
    out[Trim(t.substr(0, eq))] = Trim(t.substr(eq + 1));
  }
  if (!found) return util::Status::NotFound(path + " has no section [" + section + "]");
  return out;
}

CredentialChain::CredentialChain(CredentialChainOptions options, util::HttpTransport& http, const util::Clock& clock)
    : options_(std::move(options)), clock_(clock), imds_(http, clock, options_.imds_endpoint) {}

std::optional<std::string> CredentialChain::Env(const std::string& name) const {
  if (options_.env) return options_.env(name);
  const char* v = std::getenv(name.c_str());
  return v ? std::optional<std::string>(v) : std::nullopt;
}

util::Result<Credentials> CredentialChain::Get() {
  if (cached_ && !cached_->ExpiresWithin(clock_.Now(), options_.refresh_before)) return *cached_;
  auto fresh = Resolve();
  if (!fresh.ok()) {
    // Keep using keys that are still valid when a refresh fails (IMDS hiccup).
    if (cached_ && !cached_->ExpiresWithin(clock_.Now(), std::chrono::minutes(1))) return *cached_;
    return fresh.status();
  }
  cached_ = *fresh;
  return *cached_;
}

util::Result<Credentials> CredentialChain::Resolve() {
  std::string looked;
  if (!options_.access_key.empty() || !options_.secret_key.empty()) {
    if (options_.access_key.empty() || options_.secret_key.empty())
      return util::Status::InvalidArgument("config.toml has an AWS access key without its secret key (or the reverse)");
    return Credentials{options_.access_key, options_.secret_key, options_.session_token, std::nullopt, "config.toml"};
  }
  std::string id = Env("AWS_ACCESS_KEY_ID").value_or(""), secret = Env("AWS_SECRET_ACCESS_KEY").value_or("");
  if (!id.empty() || !secret.empty()) {
    if (id.empty() || secret.empty())
      return util::Status::InvalidArgument(std::string("environment has ") +
                                           (id.empty() ? "AWS_SECRET_ACCESS_KEY without AWS_ACCESS_KEY_ID"
                                                       : "AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY"));
    std::string token = Env("AWS_SESSION_TOKEN").value_or(Env("AWS_SECURITY_TOKEN").value_or(""));
    return Credentials{id, secret, token, std::nullopt, "environment"};
  }
  looked = "config.toml, environment";

  std::string home = options_.home.empty() ? Env("HOME").value_or("") : options_.home;
  std::string profile = options_.profile;
  if (profile.empty()) profile = Env("AWS_PROFILE").value_or(Env("AWS_DEFAULT_PROFILE").value_or("default"));
  std::string cred_file = options_.credentials_file;
  if (cred_file.empty()) cred_file = Env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  auto from_creds = FromIni(cred_file, profile, "shared credentials file");
  if (!from_creds.ok()) return from_creds.status();
  if (*from_creds) return **from_creds;
  std::string config_file = options_.config_file;
  if (config_file.empty()) config_file = Env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  auto from_config = FromIni(config_file, profile == "default" ? "default" : "profile " + profile, "shared config file");
  if (!from_config.ok()) return from_config.status();
  if (*from_config) return **from_config;
  looked += ", " + cred_file + " [" + profile + "], " + config_file;

  if (Env("AWS_EC2_METADATA_DISABLED").value_or("") != "true") {
    auto role = imds_.RoleCredentials();
    if (role.ok()) return role;
    if (role.status().code() == util::Status::Code::kInvalidArgument) return role.status();
    looked += ", instance metadata (" + role.status().message() + ")";
  }
  return util::Status::NotFound("no AWS credentials found (looked at " + looked + ")");
}

}  // namespace cloud::aws
