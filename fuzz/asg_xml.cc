// EC2 Auto Scaling Query API answers (XML, ErrorResponse envelopes) as AutoScalingClient
// reads them: a group, kNotFound, or a Status naming the call, for any body and status. The
// sizes of a group it returns are counts the provider can do arithmetic on.
#include "cloud/aws/autoscaling_client.h"
#include "fuzz_http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::QuietLogs();
  fuzzing::FuzzInput in(data, size);
  uint8_t call = in.Byte();
  fuzzing::ScriptedTransport http(in, 3);
  util::ManualClock clock{util::Time(std::chrono::seconds(1700000000))};
  cloud::aws::CredentialChainOptions keys;
  keys.access_key = "AKIDFUZZ";
  keys.secret_key = "fuzz-secret";
  keys.env = [](const std::string&) { return std::nullopt; };
  cloud::aws::CredentialChain chain(keys, http, clock);
  cloud::aws::RetryPolicy retry;
  retry.max_attempts = 2;
  cloud::aws::QueryClient query({"Auto Scaling", "https://autoscaling.fuzz.invalid/", "autoscaling", "us-east-1",
                                 "2011-01-01"},
                                chain, http, clock, retry, 7, [](util::Duration) {});
  cloud::aws::AutoScalingClient asg(query);
  switch (call % 3) {
    case 0: {
      auto g = asg.DescribeGroup("fleet");
      if (g.ok()) {
        FUZZ_CHECK(g->instances.size() <= size);
        for (int n : {g->min_size, g->max_size, g->desired}) FUZZ_CHECK(n >= 0 && n <= 1000000);
      }
      break;
    }
    case 1: (void)asg.SetDesiredCapacity("fleet", 3); break;
    case 2: (void)asg.TerminateInstance("i-1", true); break;
  }
  return 0;
}
