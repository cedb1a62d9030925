#include "manager/instance_once.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace manager {
namespace {

TEST(InstanceOnceTest, RunsAStepOnceAndKeepsItsResult) {
  InstanceOnce once;
  int calls = 0;
  bool ran = false;
  EXPECT_TRUE(once.Run("helper", [&] { ++calls; return util::Status::Ok(); }, &ran).ok());
  EXPECT_TRUE(ran);
  EXPECT_TRUE(once.Run("helper", [&] { ++calls; return util::Status::Ok(); }, &ran).ok());
  EXPECT_FALSE(ran);
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(once.Run("other", [&] { ++calls; return util::Status::Ok(); }).ok());
  EXPECT_EQ(calls, 2);
}

TEST(InstanceOnceTest, AFailureIsKeptForLaterJobs) {
  InstanceOnce once;
  int calls = 0;
  auto fail = [&] { ++calls; return util::Status::IOError("load cut short"); };
  EXPECT_EQ(once.Run("helper", fail).message(), "load cut short");
  util::Status again = once.Run("helper", [&] { ++calls; return util::Status::Ok(); });
  EXPECT_EQ(again.code(), util::Status::Code::kIOError);
  EXPECT_EQ(calls, 1);
}

TEST(InstanceOnceTest, CallersAtOnceRunTheStepOnceAndAllGetItsResult) {
  InstanceOnce once;
  std::atomic<int> calls{0}, inside{0}, most_inside{0};
  std::vector<std::thread> threads;
  std::vector<util::Status> results(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      results[i] = once.Run("helper", [&] {
        int now = ++inside;
        most_inside = std::max(most_inside.load(), now);
        ++calls;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // lets the others pile up
        --inside;
        return util::Status::Unavailable("engine gone");
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(calls.load(), 1);
  EXPECT_EQ(most_inside.load(), 1);
  for (const auto& r : results) EXPECT_EQ(r.message(), "engine gone");
}

}  // namespace
}  // namespace manager
