#pragma once
// The [runners.docker] settings gitlab-runner's docker executor puts on the containers it
// creates, split as it splits them: the job's and the helper's containers get the build
// settings (resources, devices and GPUs, ulimits, sysctls, tmpfs, DNS, hosts, capabilities,
// namespaces, hostname), the services get the service_* resources, services_security_opt,
// services_devices, service_gpus and services_tmpfs. Values were checked when the config was
// loaded (config/validate_docker.cc); a bad one still fails here with kInvalidArgument naming
// the key, for configs built in code.
#include <string>
#include <vector>

#include "config/config.h"
#include "executor/docker/engine_types.h"
#include "executor/executor.h"
#include "util/status.h"

namespace executor::docker {

// security_opt as gitlab-runner sends it: "seccomp=<file>" (a path on this host, not
// "unconfined", "builtin" or inline JSON) becomes "seccomp=<the file's JSON>".
// kInvalidArgument when the file cannot be read or is not JSON.
util::Result<std::vector<std::string>> InlineSeccompProfiles(const std::vector<std::string>& opts);

// gitlab-runner's default container hostname: runner-<short token>-project-<id>-concurrent-<n>
// in its RFC 1123 form (lower case, [a-z0-9-] only, at most 63 characters).
std::string DefaultHostname(const PrepareRequest& req);

// Sets the build settings on `spec`. `job_container` adds what only the job's container gets
// (pid_mode, mac_address); privileged, user and entrypoint are the caller's.
util::Status ApplyBuildSettings(const config::DockerConfig& d, const PrepareRequest& req, bool job_container,
                                ContainerSpec* spec);

// Sets the service settings on `spec` for a service of `image` (the name as the job wrote it,
// matched against services_devices globs).
util::Status ApplyServiceSettings(const config::DockerConfig& d, const std::string& image, ContainerSpec* spec);

}  // namespace executor::docker
