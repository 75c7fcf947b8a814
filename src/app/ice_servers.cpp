#include "app/ice_servers.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>

namespace conv::app {

std::string turn_credential(const std::string& secret, const std::string& username) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), secret.data(), int(secret.size()),
       reinterpret_cast<const unsigned char*>(username.data()), username.size(), mac, &mac_len);
  std::string out(4 * ((mac_len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, int(mac_len));
  out.resize(std::size_t(n));
  return out;
}

boost::json::object ice_servers::for_user(const std::string& user, timestamp now) const {
  boost::json::array servers;
  auto urls = [](const std::vector<std::string>& list) {
    boost::json::array a;
    for (const auto& u : list)
      a.emplace_back(u);
    return a;
  };
  if (!config_.stun_urls.empty())
    servers.push_back(boost::json::object{{"urls", urls(config_.stun_urls)}});
  if (!config_.turn_urls.empty() && config_.turn_secret) {
    const auto expiry = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch() +
                                                                         config_.credential_ttl)
                            .count();
    const auto username = std::to_string(expiry) + ":" + user;
    servers.push_back(
        boost::json::object{{"urls", urls(config_.turn_urls)},
                            {"username", username},
                            {"credential", turn_credential(*config_.turn_secret, username)}});
  }
  return {{"iceServers", std::move(servers)}, {"ttlSeconds", config_.credential_ttl.count()}};
}

}  // namespace conv::app
