#include "app/ice_servers.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace conv::app {
namespace {

TEST(TurnCredential, IsBase64OfHmacSha1AsCoturnComputesIt) {
  // Known answer: printf '1700000000:alice' | openssl dgst -sha1 -hmac secret -binary | base64
  EXPECT_EQ(turn_credential("secret", "1700000000:alice"), "d8soP47RbdIKLDUOpnJPVQyq5Ts=");
}

TEST(IceServers, TurnUsernameCarriesExpiryAndUser) {
  ice_servers ice({{"stun:stun.example:3478"},
                   {"turn:turn.example:3478"},
                   "secret",
                   std::chrono::seconds(600)});
  const timestamp now{std::chrono::seconds(1'700'000'000)};
  auto doc = ice.for_user("alice", now);
  auto& servers = doc["iceServers"].as_array();
  ASSERT_EQ(servers.size(), 2u);
  EXPECT_EQ(servers[0].as_object().at("urls").as_array()[0], "stun:stun.example:3478");
  auto& turn = servers[1].as_object();
  EXPECT_EQ(turn.at("username"), "1700000600:alice");
  EXPECT_EQ(turn.at("credential").as_string(), turn_credential("secret", "1700000600:alice"));
  EXPECT_EQ(doc["ttlSeconds"], 600);
}

TEST(IceServers, AUserIdBeyondPlainAsciiGoesInTheTurnUsernameAsADigest) {
  ice_servers ice({{}, {"turn:turn.example:3478"}, "secret", std::chrono::seconds(600)});
  const timestamp now{std::chrono::seconds(1'700'000'000)};
  auto doc = ice.for_user("Zoë \"the\" one", now);
  auto& turn = doc["iceServers"].as_array()[0].as_object();
  // printf 'Zoë "the" one' | sha256sum | cut -c1-32
  EXPECT_EQ(turn.at("username"), "1700000600:sha256-861e66ecb5afaac6773c37bc07aff84e");
  EXPECT_EQ(turn.at("credential").as_string(),
            turn_credential("secret", std::string(turn.at("username").as_string())));
}

TEST(IceServers, NoTurnWithoutASecret) {
  ice_servers ice({{}, {"turn:turn.example"}, std::nullopt, std::chrono::seconds(600)});
  EXPECT_TRUE(ice.for_user("a", timestamp{})["iceServers"].as_array().empty());
}

}  // namespace
}  // namespace conv::app
