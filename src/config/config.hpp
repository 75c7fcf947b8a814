#pragma once
// The service's configuration, read from the environment (contract: Configuration) and
// validated before anything starts: a bad value stops the process with a message naming
// the variable and what it expected.
#include "common/ip_network.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace conv::config {

struct config_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct settings {
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 8080;
  std::filesystem::path data_dir = "./data";

  std::optional<std::string> redis_url;
  std::optional<std::string> mongo_uri;
  std::string mongo_db = "conversation";
  std::optional<std::string> kafka_brokers;
  std::optional<std::string> s3_endpoint;
  std::optional<std::string> s3_bucket;
  std::optional<std::string> aws_access_key_id;
  std::optional<std::string> aws_secret_access_key;
  std::string aws_region = "us-east-1";

  std::optional<std::string> jwt_secret;
  std::optional<std::string> jwt_jwks_url;
  std::optional<std::string> jwt_issuer;
  std::optional<std::string> jwt_audience;
  // An unknown `kid` refetches the JWKS at most this often (not in the contract).
  std::chrono::seconds jwks_min_refresh{10};
  bool dev_auth = false;

  std::vector<std::string> stun_urls;
  std::vector<std::string> turn_urls;
  std::optional<std::string> turn_secret;
  std::chrono::seconds turn_ttl{3600};

  std::chrono::seconds match_timeout{120};
  std::chrono::seconds presence_grace{15};
  std::chrono::seconds waiting_timeout{30};
  std::chrono::seconds heartbeat_interval{10};
  std::chrono::seconds heartbeat_timeout{30};
  std::chrono::seconds min_completed{120};
  std::chrono::seconds max_duration{1800};

  std::uint64_t audio_max_bytes = 100ull * 1024 * 1024;
  // Normalised origins (common/web_origin.hpp). Empty: only the service's own origin.
  // "*": any.
  std::vector<std::string> allowed_origins;

  // Not in the contract; operational knobs (docs/configuration.md).
  unsigned io_threads = 0;  // 0: one per core
  std::string log_level = "info";
  std::optional<std::filesystem::path> web_root;
  std::size_t max_connections = 50'000;
  // Per client address (IPv6: per /64); a trusted proxy's connections are not counted.
  std::size_t max_connections_per_address = 2'000;
  // WebSocket flood control per connection: a steady rate and a burst allowance.
  double ws_messages_per_second = 50;
  double ws_burst = 100;
  // WebSocket handshakes per user, the same way (429 past it): each new connection starts
  // with a full message bucket and tells the partner twice (peer-status).
  double ws_handshakes_per_second = 1;
  double ws_handshake_burst = 10;
  // REST requests per user, the same way (429 RATE_LIMITED past it).
  double http_requests_per_second = 20;
  double http_burst = 40;
  // Failed token verifications per client address, the same way (429 past it, before
  // verifying).
  double auth_failures_per_second = 10;
  double auth_failure_burst = 50;
  // Reverse proxies whose X-Forwarded-For names the client (addresses or CIDR networks);
  // none by default: the client is the TCP peer.
  std::vector<ip_network> trusted_proxies;
};

// `lookup` returns a variable's value, or nullopt when unset (tests pass a map).
using env_lookup = std::function<std::optional<std::string>(const std::string&)>;
settings load(const env_lookup& lookup);
settings load_from_environment();

}  // namespace conv::config
