// DescribeInstances (filters, tag filters, MaxResults/NextToken) and the Instance XML
// element shared with RunInstances.
#include <algorithm>
#include <cstdio>
#include <functional>

#include "ec2emulator/emulator.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

// EC2 filter values allow '*' (any run) and '?' (any one character).
bool Glob(const char* pat, const char* s) {
  if (*pat == '\0') return *s == '\0';
  if (*pat == '*') return Glob(pat + 1, s) || (*s && Glob(pat, s + 1));
  if (*s == '\0') return false;
  return (*pat == '?' || *pat == *s) && Glob(pat + 1, s + 1);
}

bool AnyMatch(const std::vector<std::string>& patterns, const std::string& value) {
  for (const auto& p : patterns) {
    if (Glob(p.c_str(), value.c_str())) return true;
  }
  return false;
}

using Getter = std::function<std::string(const Instance&)>;

const std::map<std::string, Getter>& InstanceFields() {
  static const auto* kFields = new std::map<std::string, Getter>{
      {"instance-id", [](const Instance& i) { return i.id; }},
      {"instance-type", [](const Instance& i) { return i.instance_type; }},
      {"instance-state-name", [](const Instance& i) { return std::string(StateName(i.state)); }},
      {"instance-state-code", [](const Instance& i) { return std::to_string(StateCode(i.state)); }},
      {"instance-lifecycle", [](const Instance& i) { return std::string(i.spot ? "spot" : ""); }},
      {"availability-zone", [](const Instance& i) { return i.zone; }},
      {"subnet-id", [](const Instance& i) { return i.subnet_id; }},
      {"vpc-id", [](const Instance& i) { return i.vpc_id; }},
      {"private-ip-address", [](const Instance& i) { return i.private_ip; }},
      {"image-id", [](const Instance& i) { return i.image_id; }},
      {"key-name", [](const Instance& i) { return i.key_name; }},
      {"client-token", [](const Instance& i) { return i.client_token; }},
      {"reservation-id", [](const Instance& i) { return i.reservation_id; }},
      {"spot-instance-request-id", [](const Instance& i) { return i.spot_request_id; }},
  };
  return *kFields;
}

std::string EncodeToken(uint64_t seq) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "eyJ2IjoxLCJzIjo%016llx",
                static_cast<unsigned long long>(seq ^ 0x5a5a5a5a5a5a5a5aULL));
  return buf;
}

bool DecodeToken(const std::string& t, uint64_t* seq) {
  const std::string prefix = "eyJ2IjoxLCJzIjo";
  if (t.size() != prefix.size() + 16 || t.compare(0, prefix.size(), prefix) != 0) return false;
  char* end = nullptr;
  unsigned long long v = std::strtoull(t.c_str() + prefix.size(), &end, 16);
  if (*end) return false;
  *seq = v ^ 0x5a5a5a5a5a5a5a5aULL;
  return true;
}

std::string DnsName(const std::string& ip, const std::string& region) {
  if (ip.empty()) return "";
  std::string name = "ip-" + ip;
  std::replace(name.begin(), name.end(), '.', '-');
  return name + (region == "us-east-1" ? ".ec2.internal" : "." + region + ".compute.internal");
}

}  // namespace

void Emulator::WriteInstance(pugi::xml_node item, const Instance& i) const {
  AddText(item, "instanceId", i.id);
  AddText(item, "imageId", i.image_id);
  pugi::xml_node st = AddChild(item, "instanceState");
  AddText(st, "code", std::to_string(StateCode(i.state)));
  AddText(st, "name", StateName(i.state));
  const bool has_ip = !i.private_ip.empty() && i.state != InstanceState::kTerminated;
  AddText(item, "privateDnsName", has_ip ? DnsName(i.private_ip, opt_.region) : "");
  AddText(item, "dnsName", "");
  AddText(item, "reason", i.reason);
  if (!i.key_name.empty()) AddText(item, "keyName", i.key_name);
  AddText(item, "amiLaunchIndex", std::to_string(i.launch_index));
  AddChild(item, "productCodes");
  AddText(item, "instanceType", i.instance_type);
  AddText(item, "launchTime", IsoMillis(i.launch_time));
  pugi::xml_node pl = AddChild(item, "placement");
  AddText(pl, "availabilityZone", i.zone);
  AddChild(pl, "groupName");
  AddText(pl, "tenancy", "default");
  AddText(AddChild(item, "monitoring"), "state", "disabled");
  if (i.state != InstanceState::kTerminated) {
    AddText(item, "subnetId", i.subnet_id);
    AddText(item, "vpcId", i.vpc_id);
    if (has_ip) AddText(item, "privateIpAddress", i.private_ip);
  }
  AddText(item, "sourceDestCheck", "true");
  AddChild(item, "groupSet");
  if (!i.state_reason_code.empty()) {
    pugi::xml_node sr = AddChild(item, "stateReason");
    AddText(sr, "code", i.state_reason_code);
    AddText(sr, "message", i.state_reason_message);
  }
  AddText(item, "architecture", "x86_64");
  AddText(item, "rootDeviceType", "ebs");
  AddText(item, "rootDeviceName", "/dev/xvda");
  AddChild(item, "blockDeviceMapping");
  AddText(item, "virtualizationType", "hvm");
  AddText(item, "clientToken", i.client_token);
  if (!i.tags.empty()) {
    pugi::xml_node ts = AddChild(item, "tagSet");
    for (const auto& [k, v] : i.tags) {
      pugi::xml_node t = AddChild(ts, "item");
      AddText(t, "key", k);
      AddText(t, "value", v);
    }
  }
  AddText(item, "hypervisor", "xen");
  AddChild(item, "networkInterfaceSet");
  AddText(item, "ebsOptimized", "false");
  if (i.spot) {
    AddText(item, "instanceLifecycle", "spot");
    AddText(item, "spotInstanceRequestId", i.spot_request_id);
  }
  pugi::xml_node mo = AddChild(item, "metadataOptions");
  AddText(mo, "state", "applied");
  AddText(mo, "httpTokens", "required");
  AddText(mo, "httpPutResponseHopLimit", "2");
  AddText(mo, "httpEndpoint", "enabled");
  AddText(mo, "instanceMetadataTags", "disabled");
}

std::optional<ApiError> Emulator::DescribeInstances(const QueryParams& p, pugi::xml_node root) {
  const std::vector<std::string> ids = p.List("InstanceId");
  auto max_r = p.GetInt("MaxResults");
  if (IsError(max_r)) return std::get<ApiError>(max_r);
  const std::optional<int64_t> max_results = std::get<std::optional<int64_t>>(max_r);
  if (max_results && !ids.empty()) {
    return ApiError{400, "InvalidParameterCombination",
                    "The parameter instancesSet cannot be used with the parameter maxResults"};
  }
  if (max_results && (*max_results < 5 || *max_results > 1000)) {
    return InvalidParameterValue("Value ( " + std::to_string(*max_results) +
                                 " ) for parameter maxResults is invalid. Expecting a value between 5 and 1000.");
  }
  uint64_t from_seq = 0;
  if (const std::string* token = p.Find("NextToken")) {
    if (!token->empty() && !DecodeToken(*token, &from_seq)) {
      return InvalidParameterValue("Invalid value '" + *token + "' for nextToken");
    }
  }
  if (auto err = CheckInstanceIds(ids)) return err;

  // Filters: several values of one filter are OR-ed, several filters AND-ed.
  struct Filter {
    std::string name;
    std::vector<std::string> values;
  };
  std::vector<Filter> filters;
  for (const QueryParams& f : p.Structs("Filter")) {
    Filter flt{f.Get("Name"), f.List("Value")};
    if (flt.name.empty()) return MissingParameter("Filter.Name");
    const bool known = InstanceFields().count(flt.name) || flt.name == "tag-key" || flt.name == "tag-value" ||
                       flt.name.compare(0, 4, "tag:") == 0;
    if (!known) return InvalidParameterValue("The filter '" + flt.name + "' is invalid");
    filters.push_back(std::move(flt));
  }
  auto matches = [&](const Instance& i) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), i.id) == ids.end()) return false;
    for (const auto& f : filters) {
      bool ok = false;
      if (f.name == "tag-key") {
        for (const auto& [k, v] : i.tags) ok = ok || AnyMatch(f.values, k);
      } else if (f.name == "tag-value") {
        for (const auto& [k, v] : i.tags) ok = ok || AnyMatch(f.values, v);
      } else if (f.name.compare(0, 4, "tag:") == 0) {
        const std::string* v = FindTag(i.tags, f.name.substr(4));
        ok = v && AnyMatch(f.values, *v);
      } else {
        ok = AnyMatch(f.values, InstanceFields().at(f.name)(i));
      }
      if (!ok) return false;
    }
    return true;
  };

  std::vector<const Instance*> found;
  for (const auto& [id, i] : instances_) {
    if (i.seq >= from_seq && matches(i)) found.push_back(&i);
  }
  std::sort(found.begin(), found.end(), [](const Instance* a, const Instance* b) { return a->seq < b->seq; });
  std::string next;
  if (max_results && found.size() > static_cast<size_t>(*max_results)) {
    next = EncodeToken(found[static_cast<size_t>(*max_results)]->seq);
    found.resize(static_cast<size_t>(*max_results));
  }
  pugi::xml_node set = AddChild(root, "reservationSet");
  pugi::xml_node instances;
  std::string current;
  for (const Instance* i : found) {
    if (i->reservation_id != current || !instances) {
      current = i->reservation_id;
      pugi::xml_node r = AddChild(set, "item");
      AddText(r, "reservationId", i->reservation_id);
      AddText(r, "ownerId", opt_.account_id);
      if (!i->asg_name.empty()) AddText(r, "requesterId", "940372691376");
      AddChild(r, "groupSet");
      instances = AddChild(r, "instancesSet");
    }
    WriteInstance(AddChild(instances, "item"), *i);
  }
  if (!next.empty()) AddText(root, "nextToken", next);
  return std::nullopt;
}

}  // namespace ec2emulator
