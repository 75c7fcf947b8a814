#include "auth/dev_tokens.hpp"

#include "auth/jwt_verifier.hpp"

#include <boost/json.hpp>

namespace conv::auth {

std::string dev_token_minter::mint(const std::string& user, const std::vector<std::string>& roles,
                                   std::int64_t now_seconds, std::chrono::seconds lifetime) const {
  boost::json::array role_list;
  for (const auto& r : roles)
    role_list.emplace_back(r);
  boost::json::object claims{{"sub", user},
                             {"roles", std::move(role_list)},
                             {"iat", now_seconds},
                             {"exp", now_seconds + lifetime.count()}};
  if (issuer_) claims["iss"] = *issuer_;
  if (audience_) claims["aud"] = *audience_;
  return mint_hs256(secret_, claims);
}

}  // namespace conv::auth
