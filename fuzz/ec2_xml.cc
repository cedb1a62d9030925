// EC2 Query API answers (XML, error envelopes, paging) as Ec2Client reads them: typed
// results or a Status naming the call, for any body and status.
#include "cloud/aws/ec2_client.h"
#include "fuzz_http.h"

namespace {

cloud::aws::CredentialChainOptions StaticKeys() {
  cloud::aws::CredentialChainOptions o;
  o.access_key = "AKIDFUZZ";
  o.secret_key = "fuzz-secret";
  o.env = [](const std::string&) { return std::nullopt; };
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::QuietLogs();
  fuzzing::FuzzInput in(data, size);
  uint8_t call = in.Byte();
  fuzzing::ScriptedTransport http(in, 4);
  util::ManualClock clock{util::Time(std::chrono::seconds(1700000000))};
  cloud::aws::CredentialChain chain(StaticKeys(), http, clock);
  cloud::aws::RetryPolicy retry;
  retry.max_attempts = 2;
  cloud::aws::QueryClient query({"EC2", "https://ec2.fuzz.invalid/", "ec2", "us-east-1", "2016-11-15"}, chain, http,
                                clock, retry, 7, [](util::Duration) {});
  cloud::aws::Ec2Client ec2(query);
  switch (call % 7) {
    case 0: (void)ec2.DescribeInstances({{"tag:spotrunner:fleet", {"f"}}}, 3); break;
    case 1: {
      cloud::aws::RunInstancesRequest r;
      r.image_id = "ami-1";
      r.instance_type = "c5.large";
      r.spot = true;
      r.client_token = "t";
      (void)ec2.RunInstances(r);
      break;
    }
    case 2: {
      cloud::aws::CreateFleetRequest r;
      r.launch_template_name = "lt";
      r.overrides = {{"c5.large", "subnet-a", ""}, {"m5.large", "subnet-b", "0.1"}};
      r.total_capacity = 2;
      r.client_token = "t";
      (void)ec2.CreateFleet(r);
      break;
    }
    case 3: (void)ec2.TerminateInstances({"i-1", "i-2", "i-3"}); break;
    case 4: (void)ec2.CreateTags({"i-1"}, {{"k", "v"}}); break;
    case 5: (void)ec2.DescribeSpotPriceHistory({"c5.large"}, clock.Now(), 3); break;
    case 6: (void)ec2.DescribeImages({"099720109477"}, {{"name", {"ubuntu/*"}}}, 3); break;
  }
  FUZZ_CHECK(http.sent() <= 3 * 2 + 2 * 2);  // bounded pages and retries
  return 0;
}
