#include "sim/sim_provider.h"

#include <gtest/gtest.h>

#include "util/testing/test_util.h"

namespace sim {
namespace {

TEST(SimProviderTest, BootsBillsWithMinimumAndDeletes) {
  util::ManualClock clock(util::Time(std::chrono::seconds(1000)));
  Rng rng(1);
  SimProviderConfig cfg;
  cfg.boot_sigma = 0;
  cfg.price_per_hour = 3.6;  // 0.001 per second
  SimProvider p(clock, cfg, rng);
  auto g = p.Increase(2);
  ASSERT_OK(g);
  EXPECT_EQ(*g, 2);
  auto l = p.List();
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].state, cloud::InstanceState::kCreating);
  EXPECT_EQ((*l)[0].id, "sim-00000000");
  clock.Advance(std::chrono::seconds(60));
  p.AdvanceTo(clock.Now());
  EXPECT_TRUE(p.TakeDirty());
  EXPECT_EQ((*p.List())[1].state, cloud::InstanceState::kRunning);
  EXPECT_OK(p.Connect("sim-00000001"));
  EXPECT_EQ(p.Connect("sim-00000009").status().code(), util::Status::Code::kNotFound);
  auto d = p.Decrease({"sim-00000000"});
  ASSERT_OK(d);
  EXPECT_EQ(d->size(), 1u);
  EXPECT_OK(p.Decrease({"sim-00000000"}));  // idempotent
  clock.Advance(std::chrono::seconds(5));
  p.AdvanceTo(clock.Now());
  EXPECT_EQ(p.alive(), 1);
  BillingTotals t = p.Totals(clock.Now());
  EXPECT_NEAR(t.instance_seconds, 130, 1e-6);
  EXPECT_NEAR(t.cost, 0.130, 1e-9);
  EXPECT_EQ(t.peak_instances, 2);
}

TEST(SimProviderTest, InterruptionGivesNoticeThenGone) {
  util::ManualClock clock;
  Rng rng(3);
  SimProviderConfig cfg;
  cfg.interruptions_per_hour = 100;
  SimProvider p(clock, cfg, rng);
  ASSERT_OK(p.Increase(1));
  std::vector<cloud::ProviderEvent> seen;
  for (int i = 0; i < 2000 && p.alive() > 0; ++i) {
    clock.Advance(std::chrono::seconds(5));
    p.AdvanceTo(clock.Now());
    for (auto& e : p.TakeEvents()) seen.push_back(e);
  }
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, cloud::ProviderEvent::Kind::kInterruptionNotice);
  EXPECT_EQ(seen[1].kind, cloud::ProviderEvent::Kind::kGone);
  EXPECT_EQ(seen[1].at - seen[0].at, std::chrono::seconds(120));
}

TEST(SimProviderTest, FailuresAndPartialGrants) {
  util::ManualClock clock;
  Rng rng(5);
  SimProviderConfig cfg;
  cfg.fail_rate = 1;
  SimProvider p(clock, cfg, rng);
  EXPECT_EQ(p.Increase(3).status().code(), util::Status::Code::kResourceExhausted);
  EXPECT_EQ(p.Increase(0).status().code(), util::Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace sim
