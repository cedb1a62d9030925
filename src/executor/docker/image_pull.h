#pragma once
// Makes an image present per a pull-policy fallback chain, printing progress lines the way
// gitlab-runner does ("Pulling docker image alpine:latest ...").
#include <string>
#include <vector>

#include "executor/docker/abort_handle.h"
#include "executor/docker/engine_client.h"
#include "executor/docker/pull_policy.h"
#include "executor/executor.h"
#include "util/status.h"

namespace executor::docker {

struct ImagePullRequest {
  std::string name;                   // as written by the user: "alpine", "reg:5000/img:1"
  std::vector<PullPolicy> policies;   // tried in order until one succeeds
  std::string registry_auth;          // X-Registry-Auth value, "" = none
  std::string platform;               // "" = the daemon's
};

// Returns the image id. Each policy: always = pull; if-not-present = use the local image,
// else pull; never = use the local image, else fail. A failed policy prints a warning to
// `out` and the next is tried. When all fail: kNotFound for "never" with no local image
// (`image "x:latest" is not present locally and the pull policy is "never"`), else the
// last pull error; the message names the image and the policies. kCancelled when `abort`
// fired.
util::Result<std::string> EnsureImage(EngineClient& engine, const ImagePullRequest& req, OutputSink& out,
                                      AbortHandle* abort = nullptr);

}  // namespace executor::docker
