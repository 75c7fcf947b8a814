#include "transport/origin_policy.hpp"

#include <gtest/gtest.h>

namespace conv::transport {
namespace {

TEST(OriginPolicy, AnAllowListComparesOrigins) {
  const origin_policy policy({"https://learn.example.com", "http://localhost:5173"});
  EXPECT_TRUE(policy.allows("https://learn.example.com", "api.example.com"));
  EXPECT_TRUE(policy.allows("https://Learn.Example.com:443", "api.example.com"));
  EXPECT_TRUE(policy.allows("http://localhost:5173", "localhost:8080"));
  EXPECT_FALSE(policy.allows("http://learn.example.com", "api.example.com"));
  EXPECT_FALSE(policy.allows("https://learn.example.com:8443", "api.example.com"));
  EXPECT_FALSE(policy.allows("https://learn.example.com.evil.test", "api.example.com"));
  EXPECT_FALSE(policy.allows("null", "api.example.com"));
}

TEST(OriginPolicy, ByDefaultOnlyTheServicesOwnOrigin) {
  const origin_policy policy({});
  EXPECT_TRUE(policy.allows("http://localhost:8080", "localhost:8080"));
  EXPECT_TRUE(policy.allows("https://API.example.com", "api.example.com"));
  EXPECT_FALSE(policy.allows("http://localhost:5173", "localhost:8080"));
  EXPECT_FALSE(policy.allows("https://api.example.com", ""));
}

TEST(OriginPolicy, AStarAllowsAnyOrigin) {
  const origin_policy policy({"*"});
  EXPECT_TRUE(policy.allows("https://anywhere.test", "api.example.com"));
}

}  // namespace
}  // namespace conv::transport
