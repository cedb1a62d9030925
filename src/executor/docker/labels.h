#pragma once
// The labels spotrunner puts on every container and volume it creates, so that a restarted
// runner can find and remove what a crashed one left (see leftovers.h).
namespace executor::docker::labels {

inline constexpr char kManaged[] = "com.spotrunner.managed";  // always "true"
inline constexpr char kShortToken[] = "com.spotrunner.runner.short_token";
// The manager's system_id: two runner processes of one config.toml on one Docker Engine
// remove only their own leftovers.
inline constexpr char kSystemId[] = "com.spotrunner.runner.system_id";
inline constexpr char kJobId[] = "com.spotrunner.job.id";
inline constexpr char kProjectId[] = "com.spotrunner.project.id";
inline constexpr char kConcurrentId[] = "com.spotrunner.concurrent.id";
inline constexpr char kPid[] = "com.spotrunner.pid";            // the runner process
inline constexpr char kInstance[] = "com.spotrunner.instance";  // one executor object
inline constexpr char kRole[] = "com.spotrunner.role";  // build, helper, service, wait, volume, network

}  // namespace executor::docker::labels
