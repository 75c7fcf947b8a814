#pragma once
// JWT verification (RFC 7519 / 7515) for the three algorithms the platform uses: HS256 with
// a shared secret, RS256 and ES256 with keys from the Auth Service's JWKS. Pure: no clock,
// no I/O (the JWKS fetch is jwks_fetcher's), so every rejection is a unit test.
#include "auth/key_set.hpp"

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace conv::auth {

struct claims {
  std::string subject;
  std::vector<std::string> roles;
  std::int64_t expires_at = 0;  // seconds since the epoch
  // `iat`, when the token has a usable one (app::removed_users).
  std::optional<std::int64_t> issued_at;
  bool is_admin() const;
};

enum class verify_error {
  malformed,
  unsupported_algorithm,
  algorithm_mismatch,
  unknown_key,
  bad_signature,
  expired,
  not_yet_valid,
  wrong_issuer,
  wrong_audience,
  missing_subject,
  missing_expiry,
};
std::string_view to_string(verify_error e);

struct verifier_options {
  std::optional<std::string> hs256_secret;
  std::optional<std::string> issuer;
  std::optional<std::string> audience;
  std::chrono::seconds leeway{30};
};

inline constexpr std::size_t max_token_bytes = 8 * 1024;

class jwt_verifier {
 public:
  explicit jwt_verifier(verifier_options options);

  // Thread-safe.
  boost::system::result<claims, verify_error> verify(std::string_view token,
                                                     std::int64_t now_seconds) const;
  // Swaps in a new JWKS (thread-safe; tokens being verified keep the old one).
  void replace_keys(key_set keys);

 private:
  std::shared_ptr<const key_set> keys() const;

  verifier_options options_;
  mutable std::mutex mutex_;
  std::shared_ptr<const key_set> keys_ = std::make_shared<const key_set>();
};

// HS256 signing, for development tokens and tests.
std::string mint_hs256(std::string_view secret, const boost::json::object& payload);

}  // namespace conv::auth

namespace boost::system {
// verify_error is a plain enum carried in result<>; .value() on a failure is a bug.
[[noreturn]] void throw_exception_from_error(conv::auth::verify_error e,
                                             const boost::source_location& loc);
}  // namespace boost::system
