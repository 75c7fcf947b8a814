#include "config/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace conv::config {
namespace {

settings load_map(std::map<std::string, std::string> env) {
  return load([&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
}

std::string failure(std::map<std::string, std::string> env) {
  try {
    load_map(std::move(env));
  } catch (const config_error& e) {
    return e.what();
  }
  return {};
}

TEST(Config, DefaultsAreTheEmbeddedSingleNodeSetup) {
  auto s = load_map({{"CONV_DEV_AUTH", "true"}});
  EXPECT_EQ(s.listen_port, 8080);
  EXPECT_EQ(s.data_dir, "./data");
  EXPECT_EQ(s.match_timeout.count(), 120);
  EXPECT_EQ(s.presence_grace.count(), 15);
  EXPECT_EQ(s.waiting_timeout.count(), 30);
  EXPECT_EQ(s.heartbeat_interval.count(), 10);
  EXPECT_EQ(s.heartbeat_timeout.count(), 30);
  EXPECT_EQ(s.min_completed.count(), 120);
  EXPECT_EQ(s.max_duration.count(), 1800);
  EXPECT_EQ(s.audio_max_bytes, 104857600u);
  EXPECT_FALSE(s.redis_url);
  EXPECT_EQ(s.auth_failures_per_second, 10);
  EXPECT_EQ(s.auth_failure_burst, 50);
}

TEST(Config, ReadsTheBudgetOfFailedAuthentications) {
  auto s = load_map({{"CONV_DEV_AUTH", "true"},
                     {"CONV_AUTH_FAILURES_PER_S", "2"},
                     {"CONV_AUTH_FAILURE_BURST", "5"}});
  EXPECT_EQ(s.auth_failures_per_second, 2);
  EXPECT_EQ(s.auth_failure_burst, 5);
  EXPECT_THROW(load_map({{"CONV_DEV_AUTH", "true"}, {"CONV_AUTH_FAILURES_PER_S", "0"}}),
               config_error);
}

TEST(Config, ListensOnAnAddressNotAName) {
  auto s = load_map({{"CONV_DEV_AUTH", "true"}, {"CONV_LISTEN", "[::1]:9000"}});
  EXPECT_EQ(s.listen_host, "::1");
  EXPECT_EQ(s.listen_port, 9000);
  auto message = failure({{"CONV_DEV_AUTH", "true"}, {"CONV_LISTEN", "localhost:8080"}});
  EXPECT_NE(message.find("CONV_LISTEN"), std::string::npos) << message;
  EXPECT_NE(message.find("IP address"), std::string::npos) << message;
  message = failure({{"CONV_DEV_AUTH", "true"}, {"CONV_LISTEN", "::1:8080"}});
  EXPECT_NE(message.find("brackets"), std::string::npos) << message;
}

TEST(Config, ReadsTheWebSocketHandshakeBudget) {
  auto defaults = load_map({{"CONV_DEV_AUTH", "true"}});
  EXPECT_EQ(defaults.ws_handshakes_per_second, 1);
  EXPECT_EQ(defaults.ws_handshake_burst, 10);
  auto s = load_map({{"CONV_DEV_AUTH", "true"},
                     {"CONV_WS_HANDSHAKES_PER_S", "5"},
                     {"CONV_WS_HANDSHAKE_BURST", "20"}});
  EXPECT_EQ(s.ws_handshakes_per_second, 5);
  EXPECT_EQ(s.ws_handshake_burst, 20);
  EXPECT_NE(failure({{"CONV_DEV_AUTH", "true"}, {"CONV_WS_HANDSHAKE_BURST", "0"}})
                .find("CONV_WS_HANDSHAKE_BURST"),
            std::string::npos);
}

TEST(Config, ReadsTheConnectionLimitPerAddress) {
  EXPECT_EQ(load_map({{"CONV_DEV_AUTH", "true"}}).max_connections_per_address, 2000u);
  EXPECT_EQ(load_map({{"CONV_DEV_AUTH", "true"}, {"CONV_MAX_CONNECTIONS_PER_ADDRESS", "50"}})
                .max_connections_per_address,
            50u);
  EXPECT_NE(failure({{"CONV_DEV_AUTH", "true"}, {"CONV_MAX_CONNECTIONS_PER_ADDRESS", "0"}})
                .find("CONV_MAX_CONNECTIONS_PER_ADDRESS"),
            std::string::npos);
}

TEST(Config, ReadsTheTrustedProxies) {
  EXPECT_TRUE(load_map({{"CONV_DEV_AUTH", "true"}}).trusted_proxies.empty());
  auto s = load_map({{"CONV_DEV_AUTH", "true"}, {"CONV_TRUSTED_PROXIES", "10.0.0.0/8, ::1"}});
  ASSERT_EQ(s.trusted_proxies.size(), 2u);
  EXPECT_TRUE(s.trusted_proxies[0].contains(boost::asio::ip::make_address("10.2.3.4")));
  EXPECT_TRUE(s.trusted_proxies[1].contains(boost::asio::ip::make_address("::1")));
  auto message =
      failure({{"CONV_DEV_AUTH", "true"}, {"CONV_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local"}});
  EXPECT_NE(message.find("CONV_TRUSTED_PROXIES"), std::string::npos) << message;
  EXPECT_NE(message.find("proxy.local"), std::string::npos) << message;
}

TEST(Config, ABadValueNamesTheVariableAndWhatItExpected) {
  auto message = failure({{"CONV_DEV_AUTH", "true"}, {"CONV_MATCH_TIMEOUT_S", "soon"}});
  EXPECT_NE(message.find("CONV_MATCH_TIMEOUT_S"), std::string::npos) << message;
  EXPECT_NE(message.find("integer"), std::string::npos) << message;
  EXPECT_NE(failure({{"CONV_DEV_AUTH", "yes please"}}).find("CONV_DEV_AUTH"), std::string::npos);
  EXPECT_NE(failure({{"CONV_DEV_AUTH", "true"}, {"CONV_LISTEN", "8080"}}).find("CONV_LISTEN"),
            std::string::npos);
  EXPECT_NE(
      failure({{"CONV_DEV_AUTH", "true"}, {"CONV_REDIS_URL", "http://x"}}).find("CONV_REDIS_URL"),
      std::string::npos);
  EXPECT_NE(
      failure({{"CONV_DEV_AUTH", "true"}, {"CONV_TURN_URLS", "turn:x"}}).find("CONV_TURN_SECRET"),
      std::string::npos);
}

TEST(Config, TheShortestCompletedCallIsShorterThanTheLongestCall) {
  // Else no call its participants end could count as completed.
  for (const auto* min : {"1800", "3600"}) {
    auto message = failure({{"CONV_DEV_AUTH", "true"},
                            {"CONV_MIN_COMPLETED_S", min},
                            {"CONV_MAX_DURATION_S", "1800"}});
    EXPECT_NE(message.find("CONV_MIN_COMPLETED_S"), std::string::npos) << message;
    EXPECT_NE(message.find("CONV_MAX_DURATION_S"), std::string::npos) << message;
  }
  auto s = load_map({{"CONV_DEV_AUTH", "true"},
                     {"CONV_MIN_COMPLETED_S", "1799"},
                     {"CONV_MAX_DURATION_S", "1800"}});
  EXPECT_EQ(s.min_completed.count(), 1799);
  // Only the minimum set: checked against the default maximum (1800 s).
  EXPECT_NE(failure({{"CONV_DEV_AUTH", "true"}, {"CONV_MIN_COMPLETED_S", "2000"}})
                .find("CONV_MAX_DURATION_S"),
            std::string::npos);
}

TEST(Config, ARefusedUrlIsNotPrintedWithItsPassword) {
  for (const auto* url :
       {"mongodb+srv://app:Sup3rS3cret@db.example/conv", "rediss://:Sup3rS3cret@cache.example:6380",
        "ftp://u:Sup3rS3cret@x", "redis://:ab/cd+Sup3rS3cret@cache:6379",
        "redis://:p#Sup3rS3cret@c", "redis://:p?Sup3rS3cret@c"}) {
    for (const auto* variable : {"CONV_MONGO_URI", "CONV_REDIS_URL", "CONV_JWT_JWKS_URL"}) {
      auto message = failure({{"CONV_DEV_AUTH", "true"}, {variable, url}});
      EXPECT_NE(message.find(variable), std::string::npos) << message;
      EXPECT_EQ(message.find("Sup3rS3cret"), std::string::npos) << message;
      EXPECT_NE(message.find("://***@"), std::string::npos) << message;
    }
  }
}

TEST(Config, AJwksUrlNamesAHost) {
  for (const auto* url :
       {"http://", "https://", "https:///keys", "http:keys", "ftp://id.example"}) {
    auto message = failure({{"CONV_JWT_JWKS_URL", url}});
    EXPECT_NE(message.find("CONV_JWT_JWKS_URL"), std::string::npos) << url << ": " << message;
  }
  EXPECT_EQ(
      load_map({{"CONV_JWT_JWKS_URL", "https://id.example/.well-known/jwks.json"}}).jwt_jwks_url,
      "https://id.example/.well-known/jwks.json");
  EXPECT_TRUE(load_map({{"CONV_JWT_JWKS_URL", "http://127.0.0.1:9000/jwks"}}).jwt_jwks_url);
}

TEST(Config, AJwksUrlOverPlainHttpOnlyOnThisMachine) {
  // Whoever changes the keys on the way signs any token.
  for (const auto* url :
       {"http://localhost/jwks", "http://127.0.0.2:9000/jwks", "http://[::1]/jwks"})
    EXPECT_TRUE(load_map({{"CONV_JWT_JWKS_URL", url}}).jwt_jwks_url) << url;
  for (const auto* url : {"http://id.example/jwks", "http://10.0.0.1/jwks", "http://[::2]/jwks",
                          "http://localhost.id.example/jwks"}) {
    auto message = failure({{"CONV_JWT_JWKS_URL", url}});
    EXPECT_NE(message.find("an https:// URL"), std::string::npos) << url << ": " << message;
  }
}

TEST(Config, DevAuthIsRefusedBesideASharedSecret) {
  // POST /dev/token would sign anyone's token with the secret other services accept.
  auto message = failure({{"CONV_DEV_AUTH", "true"}, {"CONV_JWT_SECRET", std::string(40, 'x')}});
  EXPECT_NE(message.find("CONV_DEV_AUTH"), std::string::npos) << message;
  EXPECT_TRUE(
      load_map({{"CONV_DEV_AUTH", "true"}, {"CONV_JWT_JWKS_URL", "https://id.example/jwks"}})
          .dev_auth);
}

TEST(Config, ATurnSecretIsLongEnoughNotToBeGuessed) {
  auto message = failure({{"CONV_DEV_AUTH", "true"}, {"CONV_TURN_SECRET", "turnsecret"}});
  EXPECT_NE(message.find("CONV_TURN_SECRET: expected at least 32 bytes"), std::string::npos)
      << message;
  EXPECT_TRUE(load_map({{"CONV_DEV_AUTH", "true"}, {"CONV_TURN_SECRET", std::string(32, 't')}})
                  .turn_secret);
}

TEST(Config, AllowedOriginsAreNormalised) {
  auto s = load_map({{"CONV_DEV_AUTH", "true"},
                     {"CONV_ALLOWED_ORIGINS",
                      "https://App.Example.com/, HTTP://localhost:80, http://127.0.0.1:5173, *"}});
  EXPECT_EQ(s.allowed_origins,
            (std::vector<std::string>{"https://app.example.com", "http://localhost",
                                      "http://127.0.0.1:5173", "*"}));
}

TEST(Config, AnAllowedOriginThatIsNotAnOriginStopsTheProcess) {
  for (const auto* entry :
       {"app.example.com", "https://app.example.com/app", "https://app.example.com?x=1",
        "https://app.example.com#top", "https://user@app.example.com", "ftp://app.example.com",
        "https://", "https://app.example.com:99999", "null", "https://app.example.com//"}) {
    auto message = failure({{"CONV_DEV_AUTH", "true"},
                            {"CONV_ALLOWED_ORIGINS", std::string("https://ok.example,") + entry}});
    EXPECT_NE(message.find("CONV_ALLOWED_ORIGINS"), std::string::npos) << entry << ": " << message;
    EXPECT_NE(message.find(entry), std::string::npos) << entry << ": " << message;
  }
}

TEST(Config, RefusesToStartWithoutAnyWayToAuthenticate) {
  EXPECT_NE(failure({}).find("CONV_JWT_SECRET"), std::string::npos);
  EXPECT_NE(failure({{"CONV_JWT_SECRET", "short"}}).find("at least 32"), std::string::npos);
}

TEST(Config, ReadsListsAndAddresses) {
  auto s = load_map({{"CONV_DEV_AUTH", "1"},
                     {"CONV_LISTEN", "127.0.0.1:0"},
                     {"CONV_STUN_URLS", "stun:a:3478, stun:b:3478"},
                     {"CONV_ALLOWED_ORIGINS", "*"}});
  EXPECT_EQ(s.listen_host, "127.0.0.1");
  EXPECT_EQ(s.listen_port, 0);
  EXPECT_EQ(s.stun_urls, (std::vector<std::string>{"stun:a:3478", "stun:b:3478"}));
  EXPECT_EQ(s.allowed_origins, std::vector<std::string>{"*"});
}

}  // namespace
}  // namespace conv::config
