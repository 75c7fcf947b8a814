#pragma once
// STUN/TURN servers for a user's RTCPeerConnection. TURN credentials are the short-lived
// HMAC ones of coturn's `use-auth-secret`: username "<expiry unix seconds>:<user>",
// credential base64(HMAC-SHA1(secret, username)), so no credential is ever stored.
#include "common/time.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace conv::app {

struct ice_config {
  std::vector<std::string> stun_urls;
  std::vector<std::string> turn_urls;
  std::optional<std::string> turn_secret;
  std::chrono::seconds credential_ttl{3600};
};

class ice_servers {
 public:
  explicit ice_servers(ice_config config) : config_(std::move(config)) {}
  // {"iceServers":[…],"ttlSeconds":N}
  boost::json::object for_user(const std::string& user, timestamp now) const;

 private:
  ice_config config_;
};

// Exposed for the known-answer test.
std::string turn_credential(const std::string& secret, const std::string& username);

}  // namespace conv::app
