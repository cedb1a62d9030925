#pragma once
// How gitlab-runner names a service from its image (helpers/container/services): the
// service without registry port, tag or digest, its version, the image to pull, and the
// host names it derives: "/" replaced by "__", and by "-" (RFC 1123) when that differs.
//   tutum/wordpress        -> tutum__wordpress, tutum-wordpress (version latest)
//   reg.example:5000/g/db:1 -> reg.example__g__db, reg.example-g-db (version 1)
#include <string>
#include <vector>

namespace executor::docker {

struct ServiceName {
  std::string service;     // "" when the name is not a valid image reference
  std::string version;     // tag, "@sha256:..." or "latest"
  std::string image_name;  // what to pull: the name as given, or with ":latest" added
  std::vector<std::string> aliases;
};

ServiceName SplitServiceName(const std::string& image);

// A service's `alias`: several separated by spaces or commas.
std::vector<std::string> SplitAliases(const std::string& alias);

}  // namespace executor::docker
