#pragma once
// JobChannel over gitlab::Client: one job's trace PATCHes and state PUTs.
#include <cstdint>
#include <string>

#include "gitlab/client.h"
#include "job/job_channel.h"

namespace job {

class GitlabJobChannel final : public JobChannel {
 public:
  // `client` must outlive this. `info` is sent with every state update.
  GitlabJobChannel(gitlab::Client& client, int64_t job_id, std::string job_token,
                   gitlab::VersionInfo info, bool debug_trace);

  TraceAck PatchTrace(int64_t offset, std::string_view bytes) override;
  UpdateAck UpdateState(const JobState& state) override;

 private:
  gitlab::Client& client_;
  int64_t job_id_;
  std::string job_token_;
  gitlab::VersionInfo info_;
  bool debug_trace_;
};

}  // namespace job
