#pragma once
// Turns a bearer token into the caller's identity. JWKS fetches (at start, and when a
// token names a key we do not know) run on the blocking pool, never on an I/O thread.
#include "auth/jwks_cache.hpp"
#include "auth/jwt_verifier.hpp"
#include "common/blocking_pool.hpp"
#include "common/error.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace conv::transport {

class authenticator {
 public:
  authenticator(auth::verifier_options options, std::optional<std::string> jwks_url,
                std::chrono::seconds jwks_min_refresh, blocking_pool& pool);
  ~authenticator();

  // Fetches the JWKS once, when one is configured; false when that failed (the service
  // still starts, and fetches again on the first token).
  boost::asio::awaitable<bool> start();
  boost::asio::awaitable<result<auth::claims>> authenticate(std::string_view token);

 private:
  auth::jwt_verifier verifier_;
  std::unique_ptr<auth::jwks_cache> jwks_;
  blocking_pool& pool_;
};

// The token of `Authorization: Bearer <token>`, if the header has that form.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace conv::transport
