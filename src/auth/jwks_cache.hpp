#pragma once
// Keeps the verifier's JWKS fresh. Fetching blocks (HTTP): callers run refresh*() on a
// thread of their own, never on an I/O thread.
#include "auth/jwt_verifier.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace conv::auth {

class jwks_fetcher {
 public:
  virtual ~jwks_fetcher() = default;
  // The JWKS document, or nullopt when it could not be fetched.
  virtual std::optional<std::string> fetch() = 0;
  // At shutdown: a fetch in progress, and any later one, gives up (within about a second).
  virtual void cancel() {}
};

// GET over libcurl with a timeout and a bounded response (1 MiB).
class curl_jwks_fetcher : public jwks_fetcher {
 public:
  curl_jwks_fetcher(std::string url, std::chrono::milliseconds timeout);
  std::optional<std::string> fetch() override;
  void cancel() override { cancelled_ = true; }

 private:
  std::string url_;
  std::chrono::milliseconds timeout_;
  std::atomic<bool> cancelled_{false};
};

class jwks_cache {
 public:
  jwks_cache(std::unique_ptr<jwks_fetcher> fetcher, jwt_verifier& verifier,
             std::chrono::seconds min_refetch_interval = std::chrono::seconds(10));

  // Fetches now; true when the verifier got a new key set.
  bool refresh();
  // Fetches finished so far, answered or not. A caller notes it before it waits for its
  // turn to refresh.
  std::uint64_t fetches_finished() const { return finished_.load(); }
  // For an unknown `kid`, with `fetches_seen` fetches finished when the caller began to wait.
  // True when the key set may have changed since: a fetch finished while the caller waited
  // (tokens that arrive during a fetch are answered by it, not by one more each), or this
  // call fetched a new set. Otherwise fetches unless the last fetch was under
  // `min_refetch_interval` ago, so random kids cannot make us hammer the JWKS URL.
  bool refresh_if_allowed(std::int64_t now_seconds, std::uint64_t fetches_seen);
  // At shutdown: no fetch waits for its URL any longer.
  void cancel() { fetcher_->cancel(); }

 private:
  bool fetch_locked(std::int64_t now_seconds);

  std::unique_ptr<jwks_fetcher> fetcher_;
  jwt_verifier& verifier_;
  std::chrono::seconds min_interval_;
  std::mutex mutex_;
  std::optional<std::int64_t> last_fetch_;
  std::atomic<std::uint64_t> finished_{0};
};

}  // namespace conv::auth
