#include "transport/authenticator.hpp"

#include "domain/validation.hpp"
#include "observability/logging.hpp"

#include <chrono>

namespace conv::transport {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("auth");
  return logger;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return std::nullopt;
  auto token = authorization.substr(scheme.size());
  while (!token.empty() && token.front() == ' ')
    token.remove_prefix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

authenticator::authenticator(auth::verifier_options options, std::optional<std::string> jwks_url,
                             std::chrono::seconds jwks_min_refresh, failure_budget failures,
                             const app::removed_users& removed)
    : verifier_(std::move(options)),
      failures_(failures.per_second, failures.burst),
      removed_(removed) {
  if (!jwks_url) return;
  jwks_ = std::make_unique<auth::jwks_cache>(
      std::make_unique<auth::curl_jwks_fetcher>(*jwks_url, std::chrono::seconds(5)), verifier_,
      jwks_min_refresh);
  jwks_thread_ = std::make_unique<blocking_pool>(1);
}

authenticator::~authenticator() = default;

void authenticator::stop() {
  if (jwks_) jwks_->cancel();
  if (jwks_thread_) jwks_thread_->stop();
}

boost::asio::awaitable<bool> authenticator::start() {
  if (!jwks_) co_return true;
  auto fetched = co_await jwks_thread_->run([this] { return jwks_->refresh(); });
  if (!fetched) log()->warn("the JWKS could not be fetched; tokens will fail until it can");
  co_return fetched;
}

result<auth::claims> authenticator::refuse(std::string_view peer, std::string_view why) {
  failures_.allow(peer, std::chrono::steady_clock::now());  // counts the failure
  return make_error(errc::unauthorized, std::string(why));
}

boost::asio::awaitable<result<auth::claims>> authenticator::authenticate(std::string_view token,
                                                                         std::string_view peer) {
  if (failures_.exhausted(peer, std::chrono::steady_clock::now())) {
    ++throttled_;
    co_return make_error(errc::rate_limited,
                         "too many invalid tokens from your address: try again shortly");
  }
  auto verdict = verifier_.verify(token, unix_now());
  if (!verdict && verdict.error() == auth::verify_error::unknown_key && jwks_) {
    // A key we do not know yet: the issuer may have rotated. Refetch (rate-limited; a token
    // that waited for another token's fetch is answered by it) and retry.
    const auto seen = jwks_->fetches_finished();
    const bool refreshed = co_await jwks_thread_->run(
        [this, seen] { return jwks_->refresh_if_allowed(unix_now(), seen); });
    if (refreshed) verdict = verifier_.verify(token, unix_now());
  }
  if (!verdict) {
    log()->debug("token from {} refused: {}", peer, auth::to_string(verdict.error()));
    co_return refuse(peer, "the token is not valid");
  }
  // The subject becomes a key and a log field: bounded, and no control characters.
  if (!domain::is_valid_user_id(verdict->subject))
    co_return refuse(peer, "the token's subject is not a valid user id");
  if (removed_.refuses(verdict->subject, verdict->issued_at))
    co_return refuse(peer, "the account was removed from the platform");
  co_return std::move(*verdict);
}

}  // namespace conv::transport
