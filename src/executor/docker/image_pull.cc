#include "executor/docker/image_pull.h"

namespace executor::docker {

util::Result<std::string> EnsureImage(EngineClient& engine, const ImagePullRequest& req, OutputSink& out,
                                      AbortHandle* abort) {
  auto ref = ParseImageRef(req.name);
  if (!ref.ok()) return ref.status();
  const std::string canonical = ref->Canonical();
  std::string policy_list;
  for (PullPolicy p : req.policies) policy_list += std::string(policy_list.empty() ? "" : " ") + PullPolicyName(p);
  util::Status last = util::Status::InvalidArgument("no pull policy");

  for (PullPolicy policy : req.policies) {
    if (policy != PullPolicy::kAlways) {
      auto local = engine.InspectImage(canonical);
      if (local.ok()) {
        out.Write("Using locally found image version due to \"" + std::string(PullPolicyName(policy)) +
                  "\" pull policy\n");
        out.Write("Using docker image " + local->id + " for " + canonical + " ...\n");
        return local->id;
      }
      if (local.status().code() != util::Status::Code::kNotFound) return local.status();
      if (policy == PullPolicy::kNever) {
        last = util::Status::NotFound("image \"" + canonical + "\" is not present locally and the pull policy is \"never\"");
        out.Write("WARNING: " + last.message() + "\n");
        continue;
      }
    }
    out.Write("Pulling docker image " + canonical + " ...\n");
    util::Status s = engine.PullImage(*ref, req.registry_auth, req.platform, nullptr, abort);
    if (abort && abort->aborted()) return util::Status::Cancelled("image pull of " + canonical + " cancelled");
    if (s.ok()) {
      auto info = engine.InspectImage(canonical);
      if (info.ok()) {
        out.Write("Using docker image " + info->id + " for " + canonical + " ...\n");
        return info->id;
      }
      s = info.status();
    }
    last = s;
    out.Write("WARNING: Failed to pull image with policy \"" + std::string(PullPolicyName(policy)) + "\": " +
              s.message() + "\n");
  }
  return util::Status(last).WithContext("failed to pull image \"" + canonical + "\" with specified policies [" +
                                        policy_list + "]");
}

}  // namespace executor::docker
