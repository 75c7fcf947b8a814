#pragma once
// Development tokens (POST /dev/token and the mint-token command): HS256 with the dev
// secret, carrying the issuer and audience the verifier is configured to expect, so that
// what is minted is accepted whatever CONV_JWT_ISSUER and CONV_JWT_AUDIENCE say.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace conv::auth {

class dev_token_minter {
 public:
  dev_token_minter(std::string secret, std::optional<std::string> issuer,
                   std::optional<std::string> audience)
      : secret_(std::move(secret)), issuer_(std::move(issuer)), audience_(std::move(audience)) {}

  // `now_seconds`: Unix time of issue.
  std::string mint(const std::string& user, const std::vector<std::string>& roles,
                   std::int64_t now_seconds, std::chrono::seconds lifetime) const;

 private:
  std::string secret_;
  std::optional<std::string> issuer_;
  std::optional<std::string> audience_;
};

}  // namespace conv::auth
