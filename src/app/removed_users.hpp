#pragma once
// Users the platform deleted or banned (user.events), and when. Their tokens stay valid at
// the Auth Service's clock until they expire; a token issued to a removed user before the
// removal (or whose issue time is unknown) is refused, so a banned user cannot simply
// reconnect and join again. A token issued after it (an account restored) is accepted.
// Read on every authentication: a lookup only once someone was removed.
#include "common/time.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace conv::app {

class removed_users {
 public:
  // Keeps the latest removal of `user`.
  void add(const std::string& user, timestamp at);
  // `issued_at`: the token's `iat`, in seconds since the epoch. A token issued in the
  // second of the removal is refused: `iat` cannot say which came first.
  bool refuses(const std::string& user, std::optional<std::int64_t> issued_at) const;
  std::size_t size() const;

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, timestamp> removed_at_;  // under mutex_
  std::atomic<bool> any_{false};
};

}  // namespace conv::app
