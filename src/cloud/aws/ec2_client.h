#pragma once
// cloud::aws::Ec2Client: the EC2 Query API calls the provider uses, typed, on top of
// QueryClient (which signs, retries and maps errors; see query_client.h).
//  * RunInstances with spot market options, tags at launch and a ClientToken;
//  * CreateFleet type instant over (instance type × subnet) overrides of a launch template
//    with the price-capacity-optimized allocation strategy;
//  * DescribeInstances by filters, following nextToken (bounded pages);
//  * TerminateInstances in batches of up to 1000 ids;
//  * CreateTags; DescribeSpotPriceHistory;
//  * DescribeImages by owner and filters, following nextToken.
// Not thread-safe.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cloud/aws/query_client.h"

namespace cloud::aws {

struct Ec2Instance {
  std::string id;
  std::string state;  // pending | running | shutting-down | terminated | stopping | stopped
  std::string instance_type;
  std::string availability_zone;
  std::string subnet_id;
  std::string private_ip;
  std::string public_ip;
  std::string lifecycle;  // "spot" or "" (on-demand)
  std::string state_reason;  // stateReason/code, e.g. Server.SpotInstanceTermination
  util::Time launch_time{};
  std::map<std::string, std::string> tags;
};

struct RunInstancesRequest {
  std::string image_id;
  std::string instance_type;
  int min_count = 1;
  int max_count = 1;
  std::string subnet_id;
  std::string availability_zone;  // used when no subnet
  std::vector<std::string> security_group_ids;
  std::vector<std::string> security_group_names;
  std::string key_name;
  std::string user_data_base64;
  std::string iam_instance_profile;  // a name, or an ARN ("arn:...")
  bool spot = false;
  std::string max_price;  // "" = the current spot price
  int root_size_gb = 0;   // 0 = the AMI's
  std::string volume_type;
  std::string metadata_http_tokens;  // "required" | "optional" | ""
  std::map<std::string, std::string> tags;  // on the instance and its volumes, at launch
  std::string client_token;  // idempotency; required by the provider
  // What a shutdown from inside the instance does: "terminate" | "stop" | "" (EC2's: stop).
  std::string shutdown_behavior;
};

struct FleetOverride {
  std::string instance_type;
  std::string subnet_id;
  std::string max_price;
};

struct CreateFleetRequest {
  std::string launch_template_name;
  std::string launch_template_version = "$Latest";
  std::vector<FleetOverride> overrides;
  int total_capacity = 1;
  bool spot = true;  // DefaultTargetCapacityType spot | on-demand
  std::string allocation_strategy = "price-capacity-optimized";
  std::map<std::string, std::string> tags;
  std::string client_token;
};

struct FleetError {
  std::string instance_type;
  std::string subnet_id;
  std::string lifecycle;
  std::string code;
  std::string message;
};

struct CreateFleetResult {
  std::string fleet_id;
  std::vector<std::string> instance_ids;
  std::vector<FleetError> errors;
};

struct Filter {
  std::string name;  // "tag:spotrunner:fleet", "instance-state-name", ...
  std::vector<std::string> values;
};

struct SpotPrice {
  std::string instance_type;
  std::string availability_zone;
  double price = 0;
  util::Time timestamp{};
};

struct Ec2Image {
  std::string id;
  std::string name;
  std::string state;          // available | pending | failed | ...
  std::string owner_id;
  std::string architecture;   // x86_64 | arm64 | i386
  std::string creation_date;  // ISO 8601 as EC2 gives it ("2024-04-23T09:10:39.000Z"); sorts as text
  std::string root_device_type;
  std::string virtualization_type;
};

class Ec2Client {
 public:
  explicit Ec2Client(QueryClient& query) : query_(query) {}
  Ec2Client(const Ec2Client&) = delete;
  Ec2Client& operator=(const Ec2Client&) = delete;

  util::Result<std::vector<Ec2Instance>> RunInstances(const RunInstancesRequest& r);
  util::Result<CreateFleetResult> CreateFleet(const CreateFleetRequest& r);
  // Every instance matching all filters, over at most `max_pages` pages of 1000.
  util::Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<Filter>& filters, int max_pages = 50);
  // Terminates in batches of 1000. Ids AWS reports as unknown count as terminated (the
  // batch is sent again without them, once). Returns the ids accepted; on a failed batch
  // returns what earlier batches accepted if any, else the error.
  util::Result<std::vector<std::string>> TerminateInstances(const std::vector<std::string>& ids);
  util::Status CreateTags(const std::vector<std::string>& resource_ids, const std::map<std::string, std::string>& tags);
  util::Result<std::vector<SpotPrice>> DescribeSpotPriceHistory(const std::vector<std::string>& instance_types,
                                                                util::Time start, int max_pages = 10);

  // The images of `owners` (account ids, "amazon", "self"; none = any) matching all filters.
  util::Result<std::vector<Ec2Image>> DescribeImages(const std::vector<std::string>& owners,
                                                     const std::vector<Filter>& filters, int max_pages = 20);

  QueryClient& query() { return query_; }

 private:
  QueryClient& query_;
};

// Parses an <item> of instancesSet (exposed for tests).
Ec2Instance ParseInstance(pugi::xml_node item);
// Parses an <item> of imagesSet (exposed for tests).
Ec2Image ParseImage(pugi::xml_node item);
// The parameters of RunInstances (exposed for tests: the wire names).
QueryParams RunInstancesParams(const RunInstancesRequest& r);
QueryParams CreateFleetParams(const CreateFleetRequest& r);

}  // namespace cloud::aws
