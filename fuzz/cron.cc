// Cron periods of [[runners.autoscaler.policy]] and [[runners.machine.autoscaling]]: any text
// parses or fails with a message naming the expression, and a parsed one answers Matches
// for any civil time.
#include "fleet/cron.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzing::FuzzInput in(data, size);
  int64_t seconds = 0;
  for (int i = 0; i < 5; ++i) seconds = (seconds << 8) | in.Byte();  // up to year ~36812
  std::string text(in.Rest());
  auto expr = fleet::CronExpr::Parse(text);
  if (!expr.ok()) {
    FUZZ_CHECK(expr.status().message().find("cron") != std::string::npos);
    return 0;
  }
  (void)expr->Matches(fleet::CivilTime::FromLocalSeconds(seconds));
  (void)expr->Matches(fleet::CivilTime::FromLocalSeconds(-seconds));
  return 0;
}
