// /readyz probes the stores at most once per interval.
#include "transport/readiness.hpp"
#include "../../support/run_task.hpp"

#include <gtest/gtest.h>

namespace conv::transport {
namespace {

using namespace std::chrono_literals;

struct counted_store {
  int probes = 0;
  bool up = true;
  store_health health(std::string name) {
    return {std::move(name), [this]() -> boost::asio::awaitable<bool> {
              ++probes;
              co_return up;
            }};
  }
};

TEST(Readiness, ReadyWhenEveryStoreAnswers) {
  counted_store a, b;
  b.up = false;
  readiness r({a.health("store"), b.health("events")}, 0ms);
  auto answer = testing::run_task(r.check());
  EXPECT_FALSE(answer.ready);
  EXPECT_EQ(answer.stores.at("store"), "up");
  EXPECT_EQ(answer.stores.at("events"), "down");
  b.up = true;
  EXPECT_TRUE(testing::run_task(r.check()).ready);
}

TEST(Readiness, CallsWithinTheIntervalShareOneProbe) {
  counted_store a;
  readiness r({a.health("store")}, 1h);
  for (int i = 0; i < 100; ++i)
    EXPECT_TRUE(testing::run_task(r.check()).ready);
  EXPECT_EQ(a.probes, 1);
  a.up = false;  // not seen until the interval has passed
  EXPECT_TRUE(testing::run_task(r.check()).ready);
}

TEST(Readiness, ProbesAgainOnceTheIntervalHasPassed) {
  counted_store a;
  readiness r({a.health("store")}, 0ms);
  testing::run_task(r.check());
  a.up = false;
  EXPECT_FALSE(testing::run_task(r.check()).ready);
  EXPECT_EQ(a.probes, 2);
}

}  // namespace
}  // namespace conv::transport
