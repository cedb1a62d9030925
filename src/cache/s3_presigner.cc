#include "cache/s3_presigner.h"

#include <algorithm>

#include "cloud/aws/sigv4.h"

namespace cache {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

S3Presigner::S3Presigner(const config::CacheS3Config& s3, CredentialSource credentials, const util::Clock& clock)
    : s3_(s3), credentials_(std::move(credentials)), clock_(&clock) {}

util::Result<S3Presigner> S3Presigner::Create(const config::CacheS3Config& s3, CredentialSource credentials,
                                              const util::Clock& clock) {
  if (s3.bucket_name.empty()) return util::Status::InvalidArgument("[runners.cache.s3] BucketName is empty");
  S3Presigner p(s3, std::move(credentials), clock);
  p.scheme_ = s3.insecure ? "http" : "https";
  p.region_ = s3.bucket_location.empty() ? "us-east-1" : s3.bucket_location;
  std::string host = s3.server_address;
  for (const char* prefix : {"https://", "http://"}) {
    if (host.rfind(prefix, 0) == 0) host = host.substr(std::string(prefix).size());
  }
  while (!host.empty() && host.back() == '/') host.pop_back();
  if (host.empty()) host = "s3." + p.region_ + ".amazonaws.com";
  if (EndsWith(host, s3.insecure ? ":80" : ":443")) host.resize(host.size() - (s3.insecure ? 3 : 4));
  p.host_ = host;
  std::string bare = Lower(host.substr(0, host.find(':')));
  bool aws = EndsWith(bare, ".amazonaws.com");
  if (s3.path_style.has_value()) {
    p.path_style_ = *s3.path_style;
  } else {
    p.path_style_ = !aws || s3.bucket_name.find('.') != std::string::npos;
  }
  return p;
}

std::string S3Presigner::ObjectUrl(const std::string& object) const {
  std::string path = cloud::aws::UriEncodePath(object);
  if (path_style_) {
    return scheme_ + "://" + host_ + "/" + cloud::aws::UriEncodePath(s3_.bucket_name) + "/" + path;
  }
  return scheme_ + "://" + s3_.bucket_name + "." + host_ + "/" + path;
}

util::Result<PresignedUrl> S3Presigner::Sign(const std::string& method, const std::string& object,
                                             std::vector<std::pair<std::string, std::string>> headers,
                                             std::chrono::seconds expires) const {
  auto creds = credentials_();
  if (!creds.ok()) return creds.status().WithContext("S3 cache credentials");
  expires = std::clamp(expires, std::chrono::seconds(1), std::chrono::seconds(604800));
  auto opts = cloud::aws::SigningOptions::ForService(region_, "s3");
  auto url = cloud::aws::PresignUrl(method, ObjectUrl(object), headers, *creds, opts, clock_->Now(), expires);
  if (!url.ok()) return url.status().WithContext("presigning the S3 cache URL");
  return PresignedUrl{*url, std::move(headers)};
}

util::Result<PresignedUrl> S3Presigner::Get(const std::string& object, std::chrono::seconds expires) const {
  return Sign("GET", object, {}, expires);
}

util::Result<PresignedUrl> S3Presigner::Put(const std::string& object, const std::string& human_key,
                                            std::chrono::seconds expires) const {
  std::vector<std::pair<std::string, std::string>> headers = {{"x-amz-meta-cachekey", human_key}};
  std::string sse = Lower(s3_.server_side_encryption);
  if (sse == "s3" || sse == "aes256") {
    headers.emplace_back("x-amz-server-side-encryption", "AES256");
  } else if (sse == "kms" || sse == "aws:kms" || sse == "dsse-kms" || sse == "aws:kms:dsse") {
    headers.emplace_back("x-amz-server-side-encryption", sse.rfind("dsse", 0) == 0 || sse == "aws:kms:dsse" ? "aws:kms:dsse" : "aws:kms");
    if (!s3_.server_side_encryption_key_id.empty()) {
      headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id", s3_.server_side_encryption_key_id);
    }
  }
  return Sign("PUT", object, std::move(headers), expires);
}

}  // namespace cache
