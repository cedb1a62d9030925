#include "executor/docker/cache_volume.h"

#include <openssl/evp.h>

namespace executor::docker {

std::string CacheVolumeName(const std::string& short_token, int64_t project_id, int concurrent_id,
                            const std::string& container_path) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(container_path.data(), container_path.size(), digest, &n, EVP_md5(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return "runner-" + short_token + "-project-" + std::to_string(project_id) + "-concurrent-" +
         std::to_string(concurrent_id) + "-cache-" + hex;
}

}  // namespace executor::docker
