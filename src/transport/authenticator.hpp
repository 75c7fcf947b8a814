#pragma once
// Turns a bearer token into the caller's identity. JWKS fetches (at start, and when a
// token names a key we do not know) run on the blocking pool, never on an I/O thread.
//
// Failed verifications are counted per client address: past a burst, that address is
// refused (429 RATE_LIMITED) before its tokens are verified, until its budget refills. A
// client retrying a dead token in a loop, or guessing, then costs a lookup instead of a
// signature check (an ES256 verification is tens of microseconds).
#include "app/removed_users.hpp"
#include "auth/jwks_cache.hpp"
#include "auth/jwt_verifier.hpp"
#include "common/blocking_pool.hpp"
#include "common/error.hpp"
#include "common/keyed_rate_limiter.hpp"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace conv::transport {

class authenticator {
 public:
  struct failure_budget {
    double per_second = 10;  // failed verifications per client address, with a burst
    double burst = 50;
  };
  // `removed`: users whose tokens issued before their removal are refused.
  authenticator(auth::verifier_options options, std::optional<std::string> jwks_url,
                std::chrono::seconds jwks_min_refresh, failure_budget failures,
                const app::removed_users& removed);
  ~authenticator();

  // Fetches the JWKS once, when one is configured; false when that failed (the service
  // still starts, and fetches again on the first token).
  boost::asio::awaitable<bool> start();
  // `peer` is the client's address (empty when unknown).
  boost::asio::awaitable<result<auth::claims>> authenticate(std::string_view token,
                                                            std::string_view peer);
  std::uint64_t throttled_total() const { return throttled_.load(); }
  // Waits for a JWKS fetch in progress and what queues behind it; see sqlite_database::stop.
  void stop();

 private:
  result<auth::claims> refuse(std::string_view peer, std::string_view why);

  auth::jwt_verifier verifier_;
  std::unique_ptr<auth::jwks_cache> jwks_;
  // JWKS fetches run here, one at a time, and tokens with an unknown kid wait here for
  // theirs: a slow JWKS URL holds this thread, never the pool that event appends, uploads
  // and probes need. Declared after jwks_: it stops first.
  std::unique_ptr<blocking_pool> jwks_thread_;
  keyed_rate_limiter failures_;
  const app::removed_users& removed_;
  std::atomic<std::uint64_t> throttled_{0};
};

// The token of `Authorization: Bearer <token>`, if the header has that form.
std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace conv::transport
