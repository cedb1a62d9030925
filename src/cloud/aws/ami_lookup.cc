#include "cloud/aws/ami_lookup.h"

#include <cctype>
#include <regex>
#include <tuple>

namespace cloud::aws {

std::string ArchitectureOf(const std::string& instance_type) {
  const std::string family = instance_type.substr(0, instance_type.find('.'));
  if (family == "a1") return "arm64";
  // letters, the generation digits, then attribute letters ("gd" in m7gd).
  static const std::regex kFamily("([a-z]+)([0-9]+)([a-z-]*)");
  std::smatch m;
  if (std::regex_match(family, m, kFamily) && m[3].str().find('g') != std::string::npos) return "arm64";
  return "x86_64";
}

util::Result<std::string> LookupArchitecture(const std::string& configured, const std::vector<std::string>& types) {
  if (!configured.empty()) return configured;
  std::string arch, first;
  for (const auto& t : types) {
    std::string a = ArchitectureOf(t);
    if (arch.empty()) {
      arch = a;
      first = t;
    } else if (a != arch) {
      return util::Status::InvalidArgument("aws: instance types " + first + " (" + arch + ") and " + t + " (" + a +
                                           ") need different images; set amazonec2-ami / ami, or list types of one "
                                           "architecture");
    }
  }
  return arch.empty() ? std::string("x86_64") : arch;
}

util::Result<Ec2Image> PickUbuntuLts(const std::vector<Ec2Image>& images, const std::string& arch) {
  const std::string name_arch = arch == "arm64" ? "arm64" : "amd64";
  static const std::regex kName("ubuntu/images/hvm-ssd[a-z0-9-]*/ubuntu-[a-z]+-([0-9]{2})\\.04-([a-z0-9]+)-server-[0-9.]+");
  const Ec2Image* best = nullptr;
  std::tuple<int, std::string, std::string> best_key;
  for (const auto& i : images) {
    std::smatch m;
    if (i.state != "available" || i.owner_id != kCanonicalOwner || !std::regex_match(i.name, m, kName)) continue;
    int year = std::stoi(m[1].str());
    if (year % 2 != 0 || m[2].str() != name_arch) continue;  // an interim .04, or another architecture
    if (!i.architecture.empty() && i.architecture != arch) continue;
    auto key = std::make_tuple(year, i.creation_date, i.name);
    if (!best || key > best_key) {
      best = &i;
      best_key = key;
    }
  }
  if (!best)
    return util::Status::NotFound("aws: no Ubuntu LTS server image (" + arch + ") of Canonical (owner " +
                                  kCanonicalOwner + ") in this region; set amazonec2-ami / ami");
  return *best;
}

util::Result<Ec2Image> FindUbuntuLts(Ec2Client& ec2, const std::string& arch) {
  const std::string name_arch = arch == "arm64" ? "arm64" : "amd64";
  auto images = ec2.DescribeImages({kCanonicalOwner}, {{"name", {"ubuntu/images/hvm-ssd*/ubuntu-*-" + name_arch + "-server-*"}},
                                                       {"architecture", {arch}},
                                                       {"state", {"available"}}});
  if (!images.ok()) return images.status().WithContext("aws: looking up the Ubuntu LTS image");
  return PickUbuntuLts(*images, arch);
}

}  // namespace cloud::aws
