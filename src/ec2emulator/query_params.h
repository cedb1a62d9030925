#pragma once
// QueryParams: the decoded parameters of one Query API request (form body or query
// string), with the accessors the two flavours of list need:
//   EC2 ("ec2" protocol):     InstanceId.1, Filter.1.Name, Filter.1.Value.1
//   Auto Scaling ("query"):   AutoScalingGroupNames.member.1, Tags.member.1.Key
// Indices are 1-based; lists are returned in numeric index order (gaps allowed, as AWS
// accepts them). Plain data, copyable.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ec2emulator/api_error.h"
#include "util/status.h"

namespace ec2emulator {

class QueryParams {
 public:
  QueryParams() = default;

  // Decodes `a=b&c=d` (application/x-www-form-urlencoded: `+` and %20 are spaces).
  // A repeated key keeps its last value. On failure InvalidArgument naming the bad
  // escape and its offset.
  static util::Result<QueryParams> Parse(std::string_view form);

  void Set(const std::string& key, std::string value) { values_[key] = std::move(value); }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  // The value, or nullptr when absent.
  const std::string* Find(const std::string& key) const;
  std::string Get(const std::string& key, const std::string& fallback = "") const;

  // An integer parameter: nullopt when absent; InvalidParameterValue when not a number.
  ApiResult<std::optional<int64_t>> GetInt(const std::string& key) const;
  // A boolean parameter ("true"/"false"): `fallback` when absent.
  ApiResult<bool> GetBool(const std::string& key, bool fallback) const;

  // Values of `<prefix>.<N>` in index order.
  std::vector<std::string> List(const std::string& prefix) const;
  // The parameters under `<prefix>.<N>.` for each index N, keys relative to it.
  std::vector<QueryParams> Structs(const std::string& prefix) const;
  // The parameters under `<prefix>.`, keys relative to it.
  QueryParams Sub(const std::string& prefix) const;

  const std::map<std::string, std::string>& values() const { return values_; }
  bool empty() const { return values_.empty(); }

 private:
  std::map<std::string, std::string> values_;
};

// Percent-decoding of one form component (`+` = space). nullopt on a bad escape.
std::optional<std::string> FormDecode(std::string_view s);

}  // namespace ec2emulator
