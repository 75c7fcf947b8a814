#include "common/keyed_rate_limiter.hpp"

#include <gtest/gtest.h>

namespace conv {
namespace {

using namespace std::chrono_literals;
const auto t0 = keyed_rate_limiter::clock::time_point{} + 1000s;

TEST(KeyedRateLimiter, AllowsTheBurstThenRefusesUntilTokensRefill) {
  keyed_rate_limiter limiter(2, 3);  // 2 per second, burst 3
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(limiter.allow("alice", t0)) << i;
  EXPECT_FALSE(limiter.allow("alice", t0));
  EXPECT_FALSE(limiter.allow("alice", t0 + 400ms));  // 0.8 token
  EXPECT_TRUE(limiter.allow("alice", t0 + 500ms));   // 1 token
  EXPECT_FALSE(limiter.allow("alice", t0 + 500ms));
}

TEST(KeyedRateLimiter, TellsWhetherAKeyIsExhaustedWithoutTakingFromIt) {
  keyed_rate_limiter limiter(1, 2);
  EXPECT_FALSE(limiter.exhausted("alice", t0));  // never seen: a full bucket
  EXPECT_TRUE(limiter.allow("alice", t0));
  EXPECT_FALSE(limiter.exhausted("alice", t0));  // one token left, still there after asking
  EXPECT_FALSE(limiter.exhausted("alice", t0));
  EXPECT_TRUE(limiter.allow("alice", t0));
  EXPECT_TRUE(limiter.exhausted("alice", t0));
  EXPECT_FALSE(limiter.exhausted("bob", t0));
  EXPECT_FALSE(limiter.exhausted("alice", t0 + 1s));  // refilled one
}

TEST(KeyedRateLimiter, KeysHaveTheirOwnBuckets) {
  keyed_rate_limiter limiter(1, 1);
  EXPECT_TRUE(limiter.allow("alice", t0));
  EXPECT_FALSE(limiter.allow("alice", t0));
  EXPECT_TRUE(limiter.allow("bob", t0));
}

TEST(KeyedRateLimiter, ForgetsKeysWhoseBucketsRefilled) {
  keyed_rate_limiter limiter(10, 10);  // refills in 1 s
  for (int i = 0; i < 1000; ++i)
    limiter.allow("user" + std::to_string(i), t0);
  EXPECT_EQ(limiter.tracked(), 1000u);
  // Later requests prune as they go (each shard once a refill time): the old keys are gone.
  for (int i = 0; i < 1000; ++i)
    limiter.allow("later" + std::to_string(i), t0 + 5s);
  EXPECT_EQ(limiter.tracked(), 1000u);
  // A forgotten key starts again with a full bucket, as if it had been kept.
  for (int i = 0; i < 10; ++i)
    EXPECT_TRUE(limiter.allow("user1", t0 + 5s)) << i;
  EXPECT_FALSE(limiter.allow("user1", t0 + 5s));
}

}  // namespace
}  // namespace conv
