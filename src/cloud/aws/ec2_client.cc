#include "cloud/aws/ec2_client.h"

#include <functional>
#include <regex>
#include <set>

#include "cloud/aws/imds_client.h"
#include "cloud/aws/sigv4.h"

namespace cloud::aws {
namespace {

constexpr size_t kTerminateBatch = 1000;

std::string Trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t\r\n"), b = s.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

void AddTagSpecs(QueryParams& p, const std::map<std::string, std::string>& tags,
                 const std::vector<std::string>& resource_types) {
  if (tags.empty()) return;
  int spec = 0;
  for (const auto& type : resource_types) {
    std::string prefix = "TagSpecification." + std::to_string(++spec);
    p.emplace_back(prefix + ".ResourceType", type);
    int n = 0;
    for (const auto& [k, v] : tags) {
      std::string t = prefix + ".Tag." + std::to_string(++n);
      p.emplace_back(t + ".Key", k);
      p.emplace_back(t + ".Value", v);
    }
  }
}

std::map<std::string, std::string> ParseTags(pugi::xml_node tag_set) {
  std::map<std::string, std::string> tags;
  for (pugi::xml_node item = Child(tag_set, "item"); item; item = item.next_sibling()) {
    if (item.type() != pugi::node_element) continue;
    tags[ChildText(item, "key")] = ChildText(item, "value");
  }
  return tags;
}

// Element children named `item` of `set`.
std::vector<pugi::xml_node> Items(pugi::xml_node set) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = set.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) out.push_back(c);
  return out;
}

void AddFilters(QueryParams& p, const std::vector<Filter>& filters) {
  for (size_t i = 0; i < filters.size(); ++i) {
    std::string f = "Filter." + std::to_string(i + 1);
    p.emplace_back(f + ".Name", filters[i].name);
    for (size_t j = 0; j < filters[i].values.size(); ++j)
      p.emplace_back(f + ".Value." + std::to_string(j + 1), filters[i].values[j]);
  }
}

// Calls `action` page after page (NextToken) and hands each answer's root to `take`;
// false when there were still more pages after `max_pages` (a bound, never a loop).
util::Result<bool> CallPages(QueryClient& query, const std::string& action, const QueryParams& base, int max_pages,
                             const std::function<void(pugi::xml_node)>& take) {
  std::string token;
  for (int page = 0; page < max_pages; ++page) {
    QueryParams p = base;
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto doc = query.Call(action, p);
    if (!doc.ok()) return doc.status();
    pugi::xml_node root = (*doc)->document_element();
    take(root);
    token = ChildText(root, "nextToken");
    if (token.empty()) return true;
  }
  return false;
}

}  // namespace

Ec2Instance ParseInstance(pugi::xml_node item) {
  Ec2Instance i;
  i.id = ChildText(item, "instanceId");
  i.state = Trim(Path(item, "instanceState/name").child_value());
  i.instance_type = ChildText(item, "instanceType");
  i.availability_zone = Trim(Path(item, "placement/availabilityZone").child_value());
  i.subnet_id = ChildText(item, "subnetId");
  i.private_ip = ChildText(item, "privateIpAddress");
  i.public_ip = ChildText(item, "ipAddress");
  i.lifecycle = ChildText(item, "instanceLifecycle");
  i.state_reason = Trim(Path(item, "stateReason/code").child_value());
  if (auto t = ParseIso8601(ChildText(item, "launchTime")); t.ok()) i.launch_time = *t;
  i.tags = ParseTags(Child(item, "tagSet"));
  return i;
}

Ec2Image ParseImage(pugi::xml_node item) {
  Ec2Image i;
  i.id = ChildText(item, "imageId");
  i.name = ChildText(item, "name");
  i.state = ChildText(item, "imageState");
  i.owner_id = ChildText(item, "imageOwnerId");
  i.architecture = ChildText(item, "architecture");
  i.creation_date = ChildText(item, "creationDate");
  i.root_device_type = ChildText(item, "rootDeviceType");
  i.virtualization_type = ChildText(item, "virtualizationType");
  return i;
}

QueryParams RunInstancesParams(const RunInstancesRequest& r) {
  QueryParams p = {{"ImageId", r.image_id},
                   {"InstanceType", r.instance_type},
                   {"MinCount", std::to_string(r.min_count)},
                   {"MaxCount", std::to_string(r.max_count)}};
  if (!r.subnet_id.empty()) p.emplace_back("SubnetId", r.subnet_id);
  if (r.subnet_id.empty() && !r.availability_zone.empty()) p.emplace_back("Placement.AvailabilityZone", r.availability_zone);
  for (size_t i = 0; i < r.security_group_ids.size(); ++i)
    p.emplace_back("SecurityGroupId." + std::to_string(i + 1), r.security_group_ids[i]);
  for (size_t i = 0; i < r.security_group_names.size(); ++i)
    p.emplace_back("SecurityGroup." + std::to_string(i + 1), r.security_group_names[i]);
  if (!r.key_name.empty()) p.emplace_back("KeyName", r.key_name);
  if (!r.user_data_base64.empty()) p.emplace_back("UserData", r.user_data_base64);
  if (!r.iam_instance_profile.empty())
    p.emplace_back(r.iam_instance_profile.rfind("arn:", 0) == 0 ? "IamInstanceProfile.Arn" : "IamInstanceProfile.Name",
                   r.iam_instance_profile);
  p.emplace_back("InstanceInitiatedShutdownBehavior", "terminate");
  if (r.spot) {
    p.emplace_back("InstanceMarketOptions.MarketType", "spot");
    p.emplace_back("InstanceMarketOptions.SpotOptions.SpotInstanceType", "one-time");
    p.emplace_back("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior", "terminate");
    if (!r.max_price.empty()) p.emplace_back("InstanceMarketOptions.SpotOptions.MaxPrice", r.max_price);
  }
  if (r.root_size_gb > 0) {
    p.emplace_back("BlockDeviceMapping.1.DeviceName", "/dev/sda1");
    p.emplace_back("BlockDeviceMapping.1.Ebs.VolumeSize", std::to_string(r.root_size_gb));
    if (!r.volume_type.empty()) p.emplace_back("BlockDeviceMapping.1.Ebs.VolumeType", r.volume_type);
    p.emplace_back("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
  }
  if (!r.metadata_http_tokens.empty()) p.emplace_back("MetadataOptions.HttpTokens", r.metadata_http_tokens);
  if (!r.shutdown_behavior.empty()) p.emplace_back("InstanceInitiatedShutdownBehavior", r.shutdown_behavior);
  AddTagSpecs(p, r.tags, {"instance", "volume"});
  if (!r.client_token.empty()) p.emplace_back("ClientToken", r.client_token);
  return p;
}

QueryParams CreateFleetParams(const CreateFleetRequest& r) {
  QueryParams p = {{"Type", "instant"},
                   {"LaunchTemplateConfigs.1.LaunchTemplateSpecification.LaunchTemplateName", r.launch_template_name},
                   {"LaunchTemplateConfigs.1.LaunchTemplateSpecification.Version", r.launch_template_version}};
  for (size_t i = 0; i < r.overrides.size(); ++i) {
    std::string o = "LaunchTemplateConfigs.1.Overrides." + std::to_string(i + 1);
    p.emplace_back(o + ".InstanceType", r.overrides[i].instance_type);
    if (!r.overrides[i].subnet_id.empty()) p.emplace_back(o + ".SubnetId", r.overrides[i].subnet_id);
    if (!r.overrides[i].max_price.empty()) p.emplace_back(o + ".MaxPrice", r.overrides[i].max_price);
  }
  p.emplace_back("TargetCapacitySpecification.TotalTargetCapacity", std::to_string(r.total_capacity));
  p.emplace_back("TargetCapacitySpecification.DefaultTargetCapacityType", r.spot ? "spot" : "on-demand");
  if (r.spot) {
    p.emplace_back("SpotOptions.AllocationStrategy", r.allocation_strategy);
    p.emplace_back("SpotOptions.InstanceInterruptionBehavior", "terminate");
  } else {
    p.emplace_back("OnDemandOptions.AllocationStrategy", "lowest-price");
  }
  AddTagSpecs(p, r.tags, {"instance", "volume"});
  if (!r.client_token.empty()) p.emplace_back("ClientToken", r.client_token);
  return p;
}

util::Result<std::vector<Ec2Instance>> Ec2Client::RunInstances(const RunInstancesRequest& r) {
  auto doc = query_.Call("RunInstances", RunInstancesParams(r));
  if (!doc.ok()) return doc.status();
  std::vector<Ec2Instance> out;
  for (pugi::xml_node item : Items(Child((*doc)->document_element(), "instancesSet"))) out.push_back(ParseInstance(item));
  return out;
}

util::Result<CreateFleetResult> Ec2Client::CreateFleet(const CreateFleetRequest& r) {
  auto doc = query_.Call("CreateFleet", CreateFleetParams(r));
  if (!doc.ok()) return doc.status();
  pugi::xml_node root = (*doc)->document_element();
  CreateFleetResult out;
  out.fleet_id = ChildText(root, "fleetId");
  for (pugi::xml_node item : Items(Child(root, "fleetInstanceSet")))
    for (pugi::xml_node id : Items(Child(item, "instanceIds"))) out.instance_ids.push_back(Trim(id.child_value()));
  for (pugi::xml_node item : Items(Child(root, "errorSet"))) {
    FleetError e;
    e.instance_type = Trim(Path(item, "launchTemplateAndOverrides/overrides/instanceType").child_value());
    e.subnet_id = Trim(Path(item, "launchTemplateAndOverrides/overrides/subnetId").child_value());
    e.lifecycle = ChildText(item, "lifecycle");
    e.code = ChildText(item, "errorCode");
    e.message = ChildText(item, "errorMessage");
    out.errors.push_back(std::move(e));
  }
  return out;
}

util::Result<std::vector<Ec2Instance>> Ec2Client::DescribeInstances(const std::vector<Filter>& filters, int max_pages) {
  QueryParams base;
  AddFilters(base, filters);
  base.emplace_back("MaxResults", "1000");
  std::vector<Ec2Instance> out;
  auto whole = CallPages(query_, "DescribeInstances", base, max_pages, [&](pugi::xml_node root) {
    for (pugi::xml_node res : Items(Child(root, "reservationSet")))
      for (pugi::xml_node item : Items(Child(res, "instancesSet"))) out.push_back(ParseInstance(item));
  });
  if (!whole.ok()) return whole.status();
  if (!*whole)
    return util::Status::Internal("EC2 DescribeInstances: still more pages after " + std::to_string(max_pages) +
                                  " pages of 1000 instances");
  return out;
}

util::Result<std::vector<Ec2Image>> Ec2Client::DescribeImages(const std::vector<std::string>& owners,
                                                              const std::vector<Filter>& filters, int max_pages) {
  QueryParams base;
  for (size_t i = 0; i < owners.size(); ++i) base.emplace_back("Owner." + std::to_string(i + 1), owners[i]);
  AddFilters(base, filters);
  base.emplace_back("MaxResults", "1000");
  std::vector<Ec2Image> out;
  auto whole = CallPages(query_, "DescribeImages", base, max_pages, [&](pugi::xml_node root) {
    for (pugi::xml_node item : Items(Child(root, "imagesSet"))) out.push_back(ParseImage(item));
  });
  if (!whole.ok()) return whole.status();
  if (!*whole)
    return util::Status::Internal("EC2 DescribeImages: still more pages after " + std::to_string(max_pages) + " pages");
  return out;
}

util::Result<std::vector<std::string>> Ec2Client::TerminateInstances(const std::vector<std::string>& ids) {
  static const std::regex kId("i-[0-9a-f]+");
  std::vector<std::string> accepted;
  for (size_t start = 0; start < ids.size(); start += kTerminateBatch) {
    std::vector<std::string> batch(ids.begin() + start, ids.begin() + std::min(ids.size(), start + kTerminateBatch));
    for (int round = 0; round < 2 && !batch.empty(); ++round) {
      QueryParams p;
      for (size_t i = 0; i < batch.size(); ++i) p.emplace_back("InstanceId." + std::to_string(i + 1), batch[i]);
      auto doc = query_.Call("TerminateInstances", p);
      if (doc.ok()) {
        accepted.insert(accepted.end(), batch.begin(), batch.end());
        batch.clear();
        break;
      }
      if (round == 0 && query_.last_error().code == "InvalidInstanceID.NotFound") {
        // Unknown ids are gone already; AWS names them in the message. Send the rest again.
        std::set<std::string> unknown;
        const std::string& m = query_.last_error().message;
        for (auto it = std::sregex_iterator(m.begin(), m.end(), kId); it != std::sregex_iterator(); ++it)
          unknown.insert(it->str());
        std::vector<std::string> rest;
        for (const auto& id : batch) (unknown.count(id) ? accepted : rest).push_back(id);
        if (rest.size() < batch.size()) {
          batch = std::move(rest);
          continue;
        }
      }
      if (accepted.empty()) return doc.status();
      return accepted;  // partial success: the caller retries the rest later
    }
  }
  return accepted;
}

util::Status Ec2Client::CreateTags(const std::vector<std::string>& resource_ids,
                                   const std::map<std::string, std::string>& tags) {
  QueryParams p;
  for (size_t i = 0; i < resource_ids.size(); ++i) p.emplace_back("ResourceId." + std::to_string(i + 1), resource_ids[i]);
  int n = 0;
  for (const auto& [k, v] : tags) {
    ++n;
    p.emplace_back("Tag." + std::to_string(n) + ".Key", k);
    p.emplace_back("Tag." + std::to_string(n) + ".Value", v);
  }
  auto doc = query_.Call("CreateTags", p);
  return doc.ok() ? util::Status::Ok() : doc.status();
}

util::Result<std::vector<SpotPrice>> Ec2Client::DescribeSpotPriceHistory(const std::vector<std::string>& instance_types,
                                                                         util::Time start, int max_pages) {
  QueryParams base;
  for (size_t i = 0; i < instance_types.size(); ++i)
    base.emplace_back("InstanceType." + std::to_string(i + 1), instance_types[i]);
  base.emplace_back("ProductDescription.1", "Linux/UNIX");
  std::string iso = FormatAmzDate(start);  // 20240101T000000Z → 2024-01-01T00:00:00Z
  base.emplace_back("StartTime", iso.substr(0, 4) + "-" + iso.substr(4, 2) + "-" + iso.substr(6, 2) + "T" +
                                     iso.substr(9, 2) + ":" + iso.substr(11, 2) + ":" + iso.substr(13, 2) + "Z");
  std::vector<SpotPrice> out;
  // Prices beyond max_pages are left out: the newest come first and suffice.
  auto whole = CallPages(query_, "DescribeSpotPriceHistory", base, max_pages, [&](pugi::xml_node root) {
    for (pugi::xml_node item : Items(Child(root, "spotPriceHistorySet"))) {
      SpotPrice sp;
      sp.instance_type = ChildText(item, "instanceType");
      sp.availability_zone = ChildText(item, "availabilityZone");
      sp.price = std::strtod(ChildText(item, "spotPrice").c_str(), nullptr);
      if (auto t = ParseIso8601(ChildText(item, "timestamp")); t.ok()) sp.timestamp = *t;
      out.push_back(std::move(sp));
    }
  });
  if (!whole.ok()) return whole.status();
  return out;
}

}  // namespace cloud::aws
