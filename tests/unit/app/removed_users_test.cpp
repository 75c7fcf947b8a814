// Which tokens of a removed user are refused: those issued up to the second of the latest
// removal, and those that do not say when they were issued.
#include "app/removed_users.hpp"

#include <gtest/gtest.h>

namespace conv::app {
namespace {

const timestamp removal{std::chrono::milliseconds(1'800'000'000'500)};  // second 1'800'000'000

TEST(RemovedUsers, RefusesTheTokensOfARemovedUserIssuedUpToTheRemoval) {
  removed_users removed;
  EXPECT_FALSE(removed.refuses("mallory", std::nullopt));
  removed.add("mallory", removal);
  EXPECT_TRUE(removed.refuses("mallory", std::nullopt));
  EXPECT_TRUE(removed.refuses("mallory", 1'799'999'000));
  EXPECT_TRUE(removed.refuses("mallory", 1'800'000'000));  // the same second: cannot tell
  EXPECT_FALSE(removed.refuses("mallory", 1'800'000'001));
  EXPECT_FALSE(removed.refuses("alice", 1'799'999'000));
}

TEST(RemovedUsers, KeepsTheLatestRemoval) {
  removed_users removed;
  removed.add("mallory", removal + std::chrono::hours(1));
  removed.add("mallory", removal);
  EXPECT_TRUE(removed.refuses("mallory", 1'800'000'001));
  EXPECT_EQ(removed.size(), 1u);
}

TEST(RemovedUsers, KnowsWhichRemovalsTheStoreHolds) {
  removed_users removed;
  removed.add("mallory", removal);  // being handled, not stored yet
  EXPECT_FALSE(removed.is_recorded("mallory", removal));
  removed.add_recorded("mallory", removal);
  EXPECT_TRUE(removed.is_recorded("mallory", removal));
  EXPECT_TRUE(removed.is_recorded("mallory", removal - std::chrono::hours(1)));   // older
  EXPECT_FALSE(removed.is_recorded("mallory", removal + std::chrono::hours(1)));  // newer
  removed.add_recorded("zoe", removal);
  EXPECT_TRUE(removed.refuses("zoe", std::nullopt));
}

}  // namespace
}  // namespace conv::app
