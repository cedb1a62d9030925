#pragma once
// JobJson: the admin API's view of a job (GET /admin/jobs/:id).
#include <nlohmann/json.hpp>

#include "coordinator/records.h"

namespace coordinator {

// {id, name, stage, state, failure_reason, exit_code, trace, trace_bytes, checksum,
//  checksum_ok, bytesize_ok, updates, final_updates, trace_patches, debug_trace,
//  validation_errors[], runner_id, system_id, token, pipeline_id, awaiting_ack}
// plus "payload" (the 201 body as sent) when `with_payload`.
nlohmann::json JobJson(const JobRecord& job, bool with_payload);

}  // namespace coordinator
