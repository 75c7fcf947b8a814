#include "app/ice_servers.hpp"

#include "domain/validation.hpp"

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

namespace {

// The user part of a TURN username ("<expiry>:<user>"). coturn reads only the expiry; the
// user part is for its logs. An id with spaces, quotes or letters outside ASCII goes as a
// digest: a STUN username is prepared (SASLprep) by some clients, which could change it
// and with it the credential's HMAC.
std::string turn_user(const std::string& user) {
  if (domain::is_safe_id(user)) return user;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(user.data(), user.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "sha256-";
  for (unsigned i = 0; i < 16; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace

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
    const auto username = std::to_string(expiry) + ":" + turn_user(user);
    servers.push_back(
        boost::json::object{{"urls", urls(config_.turn_urls)},
                            {"username", username},
                            {"credential", turn_credential(*config_.turn_secret, username)}});
  }
  return {{"iceServers", std::move(servers)}, {"ttlSeconds", config_.credential_ttl.count()}};
}

}  // namespace conv::app
