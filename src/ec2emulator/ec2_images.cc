// DescribeImages over a small built-in catalogue: the public images a manager looks for
// (Canonical's Ubuntu server images of two LTS releases and both architectures) among
// images it must not pick (interim releases, Pro and minimal images, a pending image,
// Debian's and Amazon Linux's, a look-alike name from another account).
#include <algorithm>

#include "ec2emulator/emulator.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

struct Image {
  const char* id;
  const char* owner;
  const char* alias;  // imageOwnerAlias ("" = none)
  const char* name;
  const char* arch;
  const char* created;
  const char* state;
  const char* root_device;
};

constexpr char kCanonical[] = "099720109477";
constexpr char kDebian[] = "136693071363";
constexpr char kAmazon[] = "137112412989";

const std::vector<Image>& Catalogue() {
  static const std::vector<Image> k = {
      {"ami-0a1b2c3d4e5f60001", kCanonical, "", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20240301",
       "x86_64", "2024-03-01T07:41:22.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60002", kCanonical, "", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241206",
       "x86_64", "2024-12-06T11:02:51.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60003", kCanonical, "", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423",
       "x86_64", "2024-04-23T09:10:39.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60004", kCanonical, "", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241119",
       "x86_64", "2024-11-19T18:45:03.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60005", kCanonical, "", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20241119",
       "arm64", "2024-11-19T18:47:40.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60006", kCanonical, "", "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-arm64-server-20241206",
       "arm64", "2024-12-06T11:05:12.000Z", "available", "/dev/sda1"},
      // Not to be picked:
      {"ami-0a1b2c3d4e5f60007", kCanonical, "", "ubuntu/images/hvm-ssd-gp3/ubuntu-oracular-24.10-amd64-server-20241212",
       "x86_64", "2024-12-12T02:19:44.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60008", kCanonical, "", "ubuntu/images/hvm-ssd-gp3/ubuntu-plucky-25.04-amd64-server-20250416",
       "x86_64", "2025-04-16T05:12:00.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f60009", kCanonical, "", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250110",
       "x86_64", "2025-01-10T08:00:00.000Z", "pending", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f6000a", kCanonical, "",
       "ubuntu-pro-server/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-pro-server-20250110", "x86_64",
       "2025-01-10T09:00:00.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f6000b", kCanonical, "", "ubuntu-minimal/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-minimal-20250110",
       "x86_64", "2025-01-10T09:30:00.000Z", "available", "/dev/sda1"},
      {"ami-0a1b2c3d4e5f6000c", kDebian, "", "debian-12-amd64-20241201-1949", "x86_64", "2024-12-01T20:30:10.000Z",
       "available", "/dev/xvda"},
      {"ami-0a1b2c3d4e5f6000d", kAmazon, "amazon", "al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64", "x86_64",
       "2024-12-12T20:14:45.000Z", "available", "/dev/xvda"},
      {"ami-0a1b2c3d4e5f6000e", "210987654321", "", "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20251231",
       "x86_64", "2025-12-31T00:00:00.000Z", "available", "/dev/sda1"},
  };
  return k;
}

bool Glob(const char* pat, const char* s) {
  if (*pat == '\0') return *s == '\0';
  if (*pat == '*') return Glob(pat + 1, s) || (*s && Glob(pat, s + 1));
  if (*s == '\0') return false;
  return (*pat == '?' || *pat == *s) && Glob(pat + 1, s + 1);
}

std::string Field(const Image& i, const std::string& name) {
  if (name == "name") return i.name;
  if (name == "architecture") return i.arch;
  if (name == "state") return i.state;
  if (name == "owner-id") return i.owner;
  if (name == "owner-alias") return i.alias;
  if (name == "image-id") return i.id;
  if (name == "creation-date") return i.created;
  if (name == "root-device-name") return i.root_device;
  if (name == "root-device-type") return "ebs";
  if (name == "virtualization-type") return "hvm";
  if (name == "image-type") return "machine";
  if (name == "is-public") return "true";
  return "";
}

bool KnownFilter(const std::string& name) {
  static const char* kNames[] = {"name", "architecture", "state", "owner-id", "owner-alias", "image-id",
                                 "creation-date", "root-device-name", "root-device-type", "virtualization-type",
                                 "image-type", "is-public"};
  return std::any_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return name == n; });
}

void WriteImage(pugi::xml_node item, const Image& i) {
  AddText(item, "imageId", i.id);
  AddText(item, "imageLocation", std::string(i.alias[0] ? i.alias : i.owner) + "/" + i.name);
  AddText(item, "imageState", i.state);
  AddText(item, "imageOwnerId", i.owner);
  AddText(item, "creationDate", i.created);
  AddText(item, "isPublic", "true");
  AddText(item, "architecture", i.arch);
  AddText(item, "imageType", "machine");
  AddText(item, "platformDetails", "Linux/UNIX");
  AddText(item, "usageOperation", "RunInstances");
  if (i.alias[0]) AddText(item, "imageOwnerAlias", i.alias);
  AddText(item, "name", i.name);
  AddText(item, "rootDeviceType", "ebs");
  AddText(item, "rootDeviceName", i.root_device);
  pugi::xml_node bdm = AddChild(AddChild(item, "blockDeviceMapping"), "item");
  AddText(bdm, "deviceName", i.root_device);
  pugi::xml_node ebs = AddChild(bdm, "ebs");
  AddText(ebs, "snapshotId", std::string("snap-") + (i.id + 4));
  AddText(ebs, "volumeSize", "8");
  AddText(ebs, "deleteOnTermination", "true");
  AddText(ebs, "volumeType", "gp3");
  AddText(ebs, "encrypted", "false");
  AddText(item, "virtualizationType", "hvm");
  AddText(item, "hypervisor", "xen");
  AddText(item, "enaSupport", "true");
  AddText(item, "sriovNetSupport", "simple");
}

}  // namespace

std::optional<ApiError> Emulator::DescribeImages(const QueryParams& p, pugi::xml_node root) {
  const std::vector<std::string> ids = p.List("ImageId");
  const std::vector<std::string> owners = p.List("Owner");
  auto max_r = p.GetInt("MaxResults");
  if (IsError(max_r)) return std::get<ApiError>(max_r);
  const std::optional<int64_t> max_results = std::get<std::optional<int64_t>>(max_r);
  if (max_results && !ids.empty())
    return ApiError{400, "InvalidParameterCombination", "The parameter imagesSet cannot be used with the parameter maxResults"};
  if (max_results && (*max_results < 5 || *max_results > 1000))
    return InvalidParameterValue("Value ( " + std::to_string(*max_results) +
                                 " ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.");
  size_t offset = 0;
  if (const std::string* t = p.Find("NextToken"); t && !t->empty()) {
    if (t->find_first_not_of("0123456789") != std::string::npos) return InvalidParameterValue("Invalid value '" + *t + "' for nextToken");
    offset = std::stoul(*t);
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;
  for (const QueryParams& f : p.Structs("Filter")) {
    const std::string name = f.Get("Name");
    if (!KnownFilter(name)) return InvalidParameterValue("The filter '" + name + "' is invalid");
    filters.emplace_back(name, f.List("Value"));
  }
  for (const auto& id : ids) {
    if (id.rfind("ami-", 0) != 0)
      return ApiError{400, "InvalidAMIID.Malformed", "Invalid id: \"" + id + "\" (expecting \"ami-...\")"};
    if (std::none_of(Catalogue().begin(), Catalogue().end(), [&](const Image& i) { return id == i.id; }))
      return ApiError{400, "InvalidAMIID.NotFound", "The image id '[" + id + "]' does not exist"};
  }
  auto selected = [&](const Image& i) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), i.id) == ids.end()) return false;
    // Owner: an account id, or an alias ("amazon"); "self" is this account, which owns none.
    if (!owners.empty() && std::none_of(owners.begin(), owners.end(), [&](const std::string& o) {
          return o == i.owner || (i.alias[0] && o == i.alias);
        }))
      return false;
    for (const auto& [name, values] : filters) {
      std::string v = Field(i, name);
      if (std::none_of(values.begin(), values.end(), [&](const std::string& pat) { return Glob(pat.c_str(), v.c_str()); }))
        return false;
    }
    return true;
  };
  std::vector<const Image*> out;
  for (const auto& i : Catalogue())
    if (selected(i)) out.push_back(&i);
  pugi::xml_node set = AddChild(root, "imagesSet");
  const size_t page = max_results ? static_cast<size_t>(*max_results) : out.size();
  size_t i = offset;
  for (; i < out.size() && i < offset + page; ++i) WriteImage(AddChild(set, "item"), *out[i]);
  if (i < out.size()) AddText(root, "nextToken", std::to_string(i));
  return std::nullopt;
}

}  // namespace ec2emulator
