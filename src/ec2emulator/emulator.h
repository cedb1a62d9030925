#pragma once
// Emulator: the books of an emulated EC2 region and its Auto Scaling groups, and the
// answers to their Query API calls (EC2 2016-11-15, Auto Scaling 2011-01-01) as XML.
// It keeps books only: time comes from a Clock, and instance creation and removal are
// handed out by Tick() as BackendWork for a Runtime to carry out (decide, then do), so
// the state machine and the wire format are unit-tested on a ManualClock.
//
// Instance life: pending (0) → running (16) once the boot time passed and the backend
// has it; TerminateInstances, a spot interruption or a backend failure → shutting-down
// (32) → terminated (48) after the (scaled) shutdown time and the backend's removal;
// listed for `terminated_visible` more, then forgotten. A power-off from inside the
// instance follows its InstanceInitiatedShutdownBehavior: terminate as above, or stop:
// stopping (64) → stopped (80), which TerminateInstances still ends.
// Thread-safe: every public method takes the one mutex. Not copyable.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <random>
#include <string>
#include <vector>

#include "ec2emulator/api_error.h"
#include "ec2emulator/autoscaling_group.h"
#include "ec2emulator/backend.h"
#include "ec2emulator/faults.h"
#include "ec2emulator/instance.h"
#include "ec2emulator/options.h"
#include "ec2emulator/query_params.h"
#include "util/clock.h"
#include "util/status.h"

namespace ec2emulator {

struct HttpReply {
  int status = 200;
  std::string body;
  std::string content_type = "text/xml;charset=UTF-8";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

struct BackendWork {
  enum class Kind { kLaunch, kTerminate };
  Kind kind = Kind::kLaunch;
  std::string instance_id;
  LaunchRequest launch;  // kLaunch
  std::string handle;    // kTerminate
};

class Emulator {
 public:
  Emulator(util::Clock& clock, EmulatorOptions options);
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // One authenticated EC2 call: `params` holds Action, Version and the rest.
  HttpReply Ec2(const QueryParams& params);
  // One authenticated Auto Scaling call.
  HttpReply AutoScaling(const QueryParams& params);
  // An error in each API's envelope, with a fresh request id (authentication failures).
  HttpReply Ec2Error(const ApiError& e);
  HttpReply AutoScalingError(const ApiError& e);

  // Moves time-driven transitions forward and returns the backend work that follows;
  // each launch and each removal is handed out once.
  std::vector<BackendWork> Tick();
  // Reports of the backend.
  void OnLaunched(const std::string& instance_id, const util::Result<LaunchedInstance>& result);
  void OnTerminated(const std::string& instance_id);
  // The backing instance `handle` powered itself off: its shutdown behaviour decides
  // (terminate: shutting-down → terminated; stop: stopping → stopped), with stateReason
  // Client.InstanceInitiatedShutdown.
  void OnInstanceShutdown(const std::string& handle);
  // Instances whose backing instance exists or may exist (launch handed out, removal not
  // confirmed): {instance id, handle ("" while the launch is in flight)}. For shutdown.
  std::vector<std::pair<std::string, std::string>> LiveBackends() const;

  // Instance metadata (IMDSv2) as instance `instance_id` sees it at 169.254.169.254:
  // PUT /latest/api/token, GET /latest/meta-data/... (README.md lists the paths).
  // `token` / `ttl` are the X-aws-ec2-metadata-token(-ttl-seconds) headers ("" if absent).
  HttpReply Imds(const std::string& instance_id, const std::string& method, const std::string& path,
                 const std::string& token, const std::string& ttl, bool forwarded);

  // Admin. Interrupt: a spot instance gets spot/instance-action now and is terminated
  // `spot_notice` (scaled) later; NotFound / FailedPrecondition (not spot, not running).
  util::Status Interrupt(const std::string& instance_id);
  // Publishes events/recommendations/rebalance for the instance.
  util::Status Rebalance(const std::string& instance_id);
  // Stops a pending or running instance as StopInstances would (stopping → stopped; its
  // backing instance is removed). NotFound / FailedPrecondition.
  util::Status Stop(const std::string& instance_id);
  util::Status AddFault(const nlohmann::json& fault);
  void ClearFaults();
  nlohmann::json FaultsJson() const;
  // [{id, state, type, zone, spot, private_ip, tags{}, asg, backend_handle, key_name,
  //   user_data_keys, dead_man_timeout, shutdown_behavior, state_reason,
  //   interruption_time}], launch order.
  nlohmann::json InstancesJson() const;
  // Sets the current spot price of a type (every zone); a new history point.
  util::Status SetSpotPrice(const std::string& instance_type, double price);
  // Counts of requests answered, by action (admin view).
  nlohmann::json StatsJson() const;

  const EmulatorOptions& options() const { return opt_; }

 private:
  using Handler = std::optional<ApiError> (Emulator::*)(const QueryParams&, pugi::xml_node);
  struct ClientTokenRecord {
    std::string fingerprint;  // the request's parameters without ClientToken
    std::string reservation_id;
  };
  struct SpotPricePoint {
    std::string instance_type, zone;
    double price = 0;
    util::Time at{};
  };
  struct ImdsToken {
    std::string instance_id;
    util::Time expires{};
  };
  struct LaunchPlan {
    std::string instance_type, subnet_id, image_id, key_name, client_token, reservation_id, asg_name;
    std::string user_data;  // decoded
    std::string shutdown_behavior = "stop";
    bool spot = false;
    Tags tags;
  };

  // EC2 actions (ec2_*.cc), called with the lock held.
  std::optional<ApiError> RunInstances(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> DescribeInstances(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> TerminateInstances(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> CreateTags(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> CreateFleet(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> DescribeSpotPriceHistory(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> DescribeImages(const QueryParams& p, pugi::xml_node root);
  // Auto Scaling actions (autoscaling.cc); `root` is the <XResponse> element.
  std::optional<ApiError> CreateAutoScalingGroup(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> DescribeAutoScalingGroups(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> SetDesiredCapacity(const QueryParams& p, pugi::xml_node root);
  std::optional<ApiError> TerminateInstanceInAutoScalingGroup(const QueryParams& p, pugi::xml_node root);

  // Helpers (lock held).
  Instance& LaunchLocked(const LaunchPlan& plan, int launch_index);
  void BeginTerminateLocked(Instance& i, const std::string& reason_code, const std::string& reason_message,
                            const std::string& reason);
  void AdvanceLocked(util::Time now);
  void ReconcileGroupsLocked();
  std::optional<ApiError> ParseTagSpecifications(const QueryParams& p, Tags* instance_tags) const;
  std::optional<ApiError> CheckInstanceIds(const std::vector<std::string>& ids) const;
  void WriteInstance(pugi::xml_node item, const Instance& i) const;
  std::string NewId(const char* prefix, int hex_digits);
  std::string NewRequestId();
  std::string InsufficientCapacityMessage(const std::string& type, const std::string& zone) const;
  double SpotPriceLocked(const std::string& type, const std::string& zone) const;

  mutable std::mutex mu_;
  util::Clock& clock_;
  const EmulatorOptions opt_;
  std::mt19937_64 rng_;
  Faults faults_;
  std::map<std::string, Instance> instances_;
  uint64_t next_seq_ = 1;
  std::map<std::string, ClientTokenRecord> client_tokens_;
  std::map<std::string, AutoScalingGroup> groups_;
  std::vector<SpotPricePoint> spot_history_;
  std::map<std::string, ImdsToken> imds_tokens_;
  std::map<std::string, uint64_t> stats_;
  std::map<std::string, int> next_address_;  // per subnet
  std::string request_id_;                   // of the request being answered
};

}  // namespace ec2emulator
