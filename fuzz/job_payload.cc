// The job payload of POST /jobs/request (JSON from GitLab): any bytes give a payload or an
// error naming the field, never a value of it (the payload carries secrets).
#include "gitlab/job_payload_parse.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  auto payload = gitlab::ParseJobPayload(json);
  if (!payload.ok()) FUZZ_CHECK(payload.status().message().rfind("job payload", 0) == 0);
  return 0;
}
