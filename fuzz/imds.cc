// Answers of the instance metadata service: the IMDSv2 token, the role list and the role's
// credentials document as ImdsClient reads them, and the spot notices (instance-action,
// rebalance) read on an instance through the probe's output. Any answer gives credentials,
// an event or a clear error.
#include "cloud/aws/imds_client.h"
#include "cloud/aws/interruption_probe.h"
#include "fuzz_http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::QuietLogs();
  fuzzing::FuzzInput in(data, size);
  util::ManualClock clock{util::Time(std::chrono::seconds(1700000000))};
  if (in.Byte() % 2 == 0) {
    fuzzing::ScriptedTransport http(in, 5);  // token, roles, (401: token again, roles), document
    cloud::aws::ImdsClient imds(http, clock, "http://imds.fuzz.invalid");
    auto creds = imds.RoleCredentials();
    if (creds.ok()) FUZZ_CHECK(creds->expiration.has_value());
    FUZZ_CHECK(http.sent() <= 6);
    return 0;
  }
  std::string output(in.Rest());
  auto event = cloud::aws::ParseProbeOutput("i-1", output, clock.Now());
  if (event) FUZZ_CHECK(event->id == "i-1");
  (void)cloud::aws::ParseImdsCredentials(output, "fuzz");
  (void)cloud::aws::ParseIso8601(output);
  return 0;
}
