#pragma once
// Where the S3 cache's credentials come from, as gitlab-runner decides it
// ([runners.cache.s3] AuthenticationType): "access-key" signs with AccessKey/SecretKey
// (and SessionToken) from config.toml; "iam" takes them through the AWS credential chain
// the SDKs use (cloud/aws/credential_chain.h: environment, shared credentials and config
// files with AWS_PROFILE, then the instance role through IMDSv2, refreshed before expiry).
// Only the manager calls these: jobs receive presigned URLs, never keys.
#include <memory>
#include <string>

#include "cache/s3_presigner.h"
#include "cloud/aws/credential_chain.h"
#include "config/config.h"
#include "util/clock.h"

namespace cache {

// AuthenticationType as gitlab-runner derives it: the configured value lowercased, or
// "access-key" when ServerAddress, AccessKey and SecretKey are all set, else "iam".
std::string EffectiveAuthenticationType(const config::CacheS3Config& s3);

// The credential source of `s3`. InvalidArgument when AuthenticationType is unknown or is
// access-key with an empty AccessKey/SecretKey. For iam the source owns one credential
// chain (thread-safe: calls are serialized) built from `chain` (defaults: the process
// environment, ~/.aws, IMDSv2); its errors name every place looked at. `clock` must
// outlive the source.
util::Result<CredentialSource> MakeCredentialSource(const config::CacheS3Config& s3, const util::Clock& clock,
                                                    cloud::aws::CredentialChainOptions chain = {});

}  // namespace cache
