#pragma once
// Presigned S3 URLs for cache objects, made on the manager (which holds the credentials)
// and handed to the job's helper, which then moves the bytes straight between the
// instance and S3: the credentials never leave the manager and the manager never carries
// an archive (protocol reference §9, AWS reference §5.3).
//
// Endpoint rules of [runners.cache.s3]: ServerAddress "host[:port]" (default
// "s3.<BucketLocation>.amazonaws.com"; canonical ports dropped), https unless Insecure,
// path-style addressing when PathStyle says so, else when ServerAddress is set and is not
// an amazonaws.com host, or when the bucket name has dots; virtual-hosted otherwise.
// BucketLocation defaults to us-east-1.
//
// Thread-safe after construction (const methods only).
#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "cloud/aws/credentials.h"
#include "config/config.h"
#include "util/clock.h"
#include "util/status.h"

namespace cache {

struct PresignedUrl {
  std::string url;
  // Headers the user of the URL must send exactly as given (they are signed).
  std::vector<std::pair<std::string, std::string>> headers;
};

// Supplies credentials when a URL is made (IAM credentials rotate); credential_source.h
// makes one from [runners.cache.s3].
using CredentialSource = std::function<util::Result<cloud::aws::Credentials>()>;

class S3Presigner {
 public:
  // InvalidArgument when BucketName is empty. `clock` must outlive this.
  static util::Result<S3Presigner> Create(const config::CacheS3Config& s3, CredentialSource credentials,
                                          const util::Clock& clock);

  // The unsigned URL of `object` ("runner/tok/project/1/key").
  std::string ObjectUrl(const std::string& object) const;

  // GET and HEAD of `object`, valid for `expires` (clamped to 1 s … 7 days).
  util::Result<PresignedUrl> Get(const std::string& object, std::chrono::seconds expires) const;
  // PUT of `object` carrying metadata cachekey=<human_key> (signed header
  // x-amz-meta-cachekey) and the configured server-side encryption headers.
  util::Result<PresignedUrl> Put(const std::string& object, const std::string& human_key,
                                 std::chrono::seconds expires) const;

 private:
  S3Presigner(const config::CacheS3Config& s3, CredentialSource credentials, const util::Clock& clock);
  util::Result<PresignedUrl> Sign(const std::string& method, const std::string& object,
                                  std::vector<std::pair<std::string, std::string>> headers,
                                  std::chrono::seconds expires) const;

  config::CacheS3Config s3_;
  CredentialSource credentials_;
  const util::Clock* clock_;
  std::string scheme_, host_, region_;
  bool path_style_ = true;
};

}  // namespace cache
