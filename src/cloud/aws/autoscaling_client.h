#pragma once
// cloud::aws::AutoScalingClient: the three EC2 Auto Scaling calls of the group mode (as
// GitLab's fleeting-plugin-aws uses them): DescribeAutoScalingGroups, SetDesiredCapacity,
// TerminateInstanceInAutoScalingGroup. On top of QueryClient (query protocol, version
// 2011-01-01). Not thread-safe.
#include <string>
#include <vector>

#include "cloud/aws/query_client.h"

namespace cloud::aws {

struct AsgInstance {
  std::string id;
  std::string lifecycle_state;  // Pending, InService, Terminating, ...
  std::string health_status;    // Healthy | Unhealthy
  std::string availability_zone;
  std::string instance_type;
};

struct AsgGroup {
  std::string name;
  int min_size = 0;
  int max_size = 0;
  int desired = 0;
  std::vector<AsgInstance> instances;
};

class AutoScalingClient {
 public:
  explicit AutoScalingClient(QueryClient& query) : query_(query) {}
  AutoScalingClient(const AutoScalingClient&) = delete;
  AutoScalingClient& operator=(const AutoScalingClient&) = delete;

  // kNotFound when the group does not exist (AWS answers with an empty list).
  util::Result<AsgGroup> DescribeGroup(const std::string& name);
  util::Status SetDesiredCapacity(const std::string& name, int desired);
  // decrement = true: the group shrinks instead of launching a replacement.
  util::Status TerminateInstance(const std::string& instance_id, bool decrement);

  QueryClient& query() { return query_; }

 private:
  QueryClient& query_;
};

}  // namespace cloud::aws
