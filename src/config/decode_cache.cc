// [runners.cache] and [runners.cache.s3] (CamelCase keys).
#include "config/decode.h"

namespace config {
namespace {

// The S3 keys that pre-12.0 files put directly under [runners.cache].
void DecodeLegacyS3(TableReader& r, CacheS3Config* out) {
  r.Get("ServerAddress", &out->server_address);
  r.Get("AccessKey", &out->access_key);
  r.Get("SecretKey", &out->secret_key);
  r.Get("BucketName", &out->bucket_name);
  r.Get("BucketLocation", &out->bucket_location);
  r.Get("Insecure", &out->insecure);
}

void DecodeS3(TableReader& r, CacheS3Config* out) {
  DecodeLegacyS3(r, out);
  r.Get("SessionToken", &out->session_token);
  r.Get("AuthenticationType", &out->authentication_type);
  r.Get("ServerSideEncryption", &out->server_side_encryption);
  r.Get("ServerSideEncryptionKeyID", &out->server_side_encryption_key_id);
  r.Get("PathStyle", &out->path_style);
  r.Get("DualStack", &out->dual_stack);
  r.Get("Accelerate", &out->accelerate);
  r.Get("RoleARN", &out->role_arn);
  r.Unsupported({"UploadRoleARN", "AssumeRoleMaxConcurrency", "DisableAssumeRoleCredentialsCaching"});
  r.Finish();
}

}  // namespace

void DecodeCache(TableReader& r, CacheConfig* out) {
  r.Get("Type", &out->type);
  r.Get("Path", &out->path);
  r.Get("Shared", &out->shared);
  r.Get("MaxUploadedArchiveSize", &out->max_uploaded_archive_size);
  DecodeLegacyS3(r, &out->s3);  // [runners.cache.s3] below wins where both are set
  if (auto s3 = r.Table("s3")) DecodeS3(*s3, &out->s3);
  r.Unsupported({"gcs", "azure"});  // register writes them empty: no warning then
  r.Finish();
}

}  // namespace config
