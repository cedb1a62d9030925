// DescribeSpotPriceHistory: the price points of each (instance type, zone), newest first.
#include <algorithm>
#include <cstdio>

#include "ec2emulator/emulator.h"
#include "ec2emulator/xml.h"

namespace ec2emulator {
namespace {

std::string Price(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", p);
  return buf;
}

bool Glob(const char* pat, const char* s) {
  if (*pat == '\0') return *s == '\0';
  if (*pat == '*') return Glob(pat + 1, s) || (*s && Glob(pat, s + 1));
  if (*s == '\0') return false;
  return (*pat == '?' || *pat == *s) && Glob(pat + 1, s + 1);
}

}  // namespace

double Emulator::SpotPriceLocked(const std::string& type, const std::string& zone) const {
  double price = 0;
  util::Time at{};
  for (const auto& pt : spot_history_) {
    if (pt.instance_type == type && pt.zone == zone && pt.at >= at) {
      price = pt.price;
      at = pt.at;
    }
  }
  return price;
}

std::optional<ApiError> Emulator::DescribeSpotPriceHistory(const QueryParams& p, pugi::xml_node root) {
  const std::vector<std::string> types = p.List("InstanceType");
  for (const auto& t : types) {
    if (!opt_.FindType(t)) return InvalidParameterValue("Invalid value '" + t + "' for InstanceType.");
  }
  const std::vector<std::string> products = p.List("ProductDescription");
  const std::string zone = p.Get("AvailabilityZone");
  util::Time start{}, end = util::Time::max();
  if (const std::string* s = p.Find("StartTime")) {
    if (!ParseIso(*s, &start)) return InvalidParameterValue("Invalid value '" + *s + "' for StartTime.");
  }
  if (const std::string* s = p.Find("EndTime")) {
    if (!ParseIso(*s, &end)) return InvalidParameterValue("Invalid value '" + *s + "' for EndTime.");
  }
  auto max_r = p.GetInt("MaxResults");
  if (IsError(max_r)) return std::get<ApiError>(max_r);
  const int64_t max_results = std::get<std::optional<int64_t>>(max_r).value_or(1000);
  if (max_results < 1 || max_results > 1000) {
    return InvalidParameterValue("Value ( " + std::to_string(max_results) +
                                 " ) for parameter maxResults is invalid. Expecting a value between 1 and 1000.");
  }
  size_t offset = 0;
  if (const std::string* t = p.Find("NextToken"); t && !t->empty()) {
    char* endp = nullptr;
    offset = std::strtoul(t->c_str(), &endp, 10);
    if (*endp || t->find_first_not_of("0123456789") != std::string::npos) {
      return InvalidParameterValue("Invalid value '" + *t + "' for nextToken");
    }
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> filters;
  for (const QueryParams& f : p.Structs("Filter")) {
    const std::string name = f.Get("Name");
    static const char* kNames[] = {"availability-zone", "instance-type", "product-description", "spot-price",
                                   "timestamp"};
    if (std::none_of(std::begin(kNames), std::end(kNames), [&](const char* n) { return name == n; })) {
      return InvalidParameterValue("The filter '" + name + "' is invalid");
    }
    filters.emplace_back(name, f.List("Value"));
  }
  const std::string product = "Linux/UNIX";
  auto selected = [&](const SpotPricePoint& pt) {
    if (!types.empty() && std::find(types.begin(), types.end(), pt.instance_type) == types.end()) return false;
    if (!products.empty() && std::find(products.begin(), products.end(), product) == products.end() &&
        std::find(products.begin(), products.end(), "Linux/UNIX (Amazon VPC)") == products.end()) {
      return false;
    }
    if (!zone.empty() && pt.zone != zone) return false;
    for (const auto& [name, values] : filters) {
      std::string v = name == "availability-zone"     ? pt.zone
                      : name == "instance-type"       ? pt.instance_type
                      : name == "product-description" ? product
                      : name == "spot-price"          ? Price(pt.price)
                                                      : IsoMillis(pt.at);
      if (std::none_of(values.begin(), values.end(),
                       [&](const std::string& pat) { return Glob(pat.c_str(), v.c_str()); })) {
        return false;
      }
    }
    return true;
  };
  // In the window, plus the last change before its start (the price in effect then).
  std::vector<const SpotPricePoint*> out;
  std::map<std::pair<std::string, std::string>, const SpotPricePoint*> before;
  for (const auto& pt : spot_history_) {
    if (!selected(pt) || pt.at > end) continue;
    if (pt.at >= start) {
      out.push_back(&pt);
    } else {
      auto& b = before[{pt.instance_type, pt.zone}];
      if (!b || b->at <= pt.at) b = &pt;
    }
  }
  for (const auto& [k, pt] : before) out.push_back(pt);
  std::stable_sort(out.begin(), out.end(), [](const SpotPricePoint* a, const SpotPricePoint* b) {
    if (a->at != b->at) return a->at > b->at;
    if (a->instance_type != b->instance_type) return a->instance_type < b->instance_type;
    return a->zone < b->zone;
  });
  pugi::xml_node set = AddChild(root, "spotPriceHistorySet");
  size_t i = offset;
  for (; i < out.size() && i < offset + static_cast<size_t>(max_results); ++i) {
    pugi::xml_node item = AddChild(set, "item");
    AddText(item, "instanceType", out[i]->instance_type);
    AddText(item, "productDescription", product);
    AddText(item, "spotPrice", Price(out[i]->price));
    AddText(item, "timestamp", IsoMillis(out[i]->at));
    AddText(item, "availabilityZone", out[i]->zone);
  }
  AddText(root, "nextToken", i < out.size() ? std::to_string(i) : "");
  return std::nullopt;
}

}  // namespace ec2emulator
