#include "auth/jwks_cache.hpp"

#include <curl/curl.h>

namespace conv::auth {
namespace {

constexpr std::size_t max_jwks_bytes = 1024 * 1024;

struct curl_deleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

std::size_t collect(char* data, std::size_t size, std::size_t count, void* target) {
  auto* out = static_cast<std::string*>(target);
  const auto n = size * count;
  if (out->size() + n > max_jwks_bytes) return 0;  // aborts the transfer
  out->append(data, n);
  return n;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int give_up_when_cancelled(void* cancelled, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(cancelled)->load() ? 1 : 0;
}

}  // namespace

curl_jwks_fetcher::curl_jwks_fetcher(std::string url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

std::optional<std::string> curl_jwks_fetcher::fetch() {
  std::unique_ptr<CURL, curl_deleter> curl(curl_easy_init());
  if (!curl) return std::nullopt;
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, long(timeout_.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  // Called about once a second while nothing arrives: a fetch that waits on a silent URL
  // gives up when the service stops instead of holding the exit for the whole timeout.
  curl_easy_setopt(curl.get(), CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFOFUNCTION, give_up_when_cancelled);
  curl_easy_setopt(curl.get(), CURLOPT_XFERINFODATA, &cancelled_);
  if (cancelled_ || curl_easy_perform(curl.get()) != CURLE_OK) return std::nullopt;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return std::nullopt;
  return body;
}

jwks_cache::jwks_cache(std::unique_ptr<jwks_fetcher> fetcher, jwt_verifier& verifier,
                       std::chrono::seconds min_refetch_interval)
    : fetcher_(std::move(fetcher)), verifier_(verifier), min_interval_(min_refetch_interval) {}

bool jwks_cache::refresh() {
  std::lock_guard lock(mutex_);
  return fetch_locked(unix_now());
}

bool jwks_cache::fetch_locked(std::int64_t now_seconds) {
  last_fetch_ = now_seconds;
  auto document = fetcher_->fetch();
  ++finished_;
  if (!document) return false;
  auto keys = key_set::parse_jwks(*document);
  if (!keys) return false;
  verifier_.replace_keys(std::move(*keys));
  return true;
}

bool jwks_cache::refresh_if_allowed(std::int64_t now_seconds, std::uint64_t fetches_seen) {
  // Checked and fetched under one lock: concurrent unknown kids cause one fetch, not many.
  std::lock_guard lock(mutex_);
  if (finished_.load() != fetches_seen) return true;
  if (last_fetch_ && now_seconds - *last_fetch_ < min_interval_.count()) return false;
  return fetch_locked(now_seconds);
}

}  // namespace conv::auth
