#include "gitlab/api_url.h"

#include "util/http_client.h"

namespace gitlab {

util::Result<std::string> NormalizeApiUrl(std::string_view url) {
  while (!url.empty() && (url.front() == ' ' || url.front() == '\t')) url.remove_prefix(1);
  while (!url.empty() && (url.back() == ' ' || url.back() == '\t')) url.remove_suffix(1);
  size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return util::Status::InvalidArgument("GitLab URL \"" + std::string(url) + "\": missing http:// or https://");
  }
  std::string_view scheme = url.substr(0, sep);
  if (!util::EqualsIgnoreCase(scheme, "http") && !util::EqualsIgnoreCase(scheme, "https")) {
    return util::Status::InvalidArgument("GitLab URL \"" + std::string(url) + "\": scheme \"" +
                                         std::string(scheme) + "\" is not http or https");
  }
  std::string_view rest = url.substr(sep + 3);
  if (rest.empty() || rest.front() == '/') {
    return util::Status::InvalidArgument("GitLab URL \"" + std::string(url) + "\": no host");
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.ends_with("/ci")) url.remove_suffix(3);
  return std::string(url) + "/api/v4/";
}

}  // namespace gitlab
