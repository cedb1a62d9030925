#include "executor/docker/service_name.h"

#include <regex>

namespace executor::docker {
namespace {

// The reference grammar of distribution/reference: name[:tag][@digest].
const std::regex& ReferenceRegex() {
  static const std::regex re(
      R"(^((?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?/)?)"
      R"([a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*))"
      R"((?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?)"
      R"((?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}))?$)");
  return re;
}

}  // namespace

ServiceName SplitServiceName(const std::string& image) {
  ServiceName out;
  std::smatch m;
  if (!std::regex_match(image, m, ReferenceRegex())) {
    out.image_name = image;
    out.version = "latest";
    return out;
  }
  const std::string without_version = m[1].str();
  const std::string tag = m[2].str();
  // Drops a registry port: host:5000/ns/svc -> host/ns/svc.
  static const std::regex no_port(R"(^(.*?)(|:[0-9]+)(|/.*)$)");
  std::smatch r;
  std::regex_match(without_version, r, no_port);
  out.service = r[1].str() + r[3].str();

  static const std::regex only_digest(R"(@sha256:.{64}$)");
  std::smatch d;
  if (!tag.empty()) {
    out.image_name = image;
    out.version = tag;
  } else if (std::regex_search(image, d, only_digest)) {
    out.image_name = image;
    out.version = d[0].str();
  } else {
    out.image_name = without_version + ":latest";
    out.version = "latest";
  }
  std::string alias = out.service;
  std::string rfc = out.service;
  for (size_t i = 0; (i = alias.find('/', i)) != std::string::npos; i += 2) alias.replace(i, 1, "__");
  for (char& c : rfc) c = c == '/' ? '-' : c;
  out.aliases.push_back(alias);
  if (rfc != alias) out.aliases.push_back(rfc);
  return out;
}

std::vector<std::string> SplitAliases(const std::string& alias) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : alias + " ") {
    if (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

}  // namespace executor::docker
