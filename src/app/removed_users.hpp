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
  // From now on, `user`'s tokens issued up to `at` are refused (the latest removal counts).
  void add(const std::string& user, timestamp at);
  // The store holds this removal (found at start, or just written): it also counts for
  // is_recorded(). Refuses the tokens as add() does.
  void add_recorded(const std::string& user, timestamp at);
  // Whether the store holds a removal of `user` at `at` or later: an event handed again.
  bool is_recorded(const std::string& user, timestamp at) const;
  // `issued_at`: the token's `iat`, in seconds since the epoch. A token issued in the
  // second of the removal is refused: `iat` cannot say which came first.
  bool refuses(const std::string& user, std::optional<std::int64_t> issued_at) const;
  std::size_t size() const;

 private:
  struct removal {
    timestamp refused_until{};
    std::optional<timestamp> recorded;
  };
  removal& entry(const std::string& user);  // under a unique lock of mutex_

  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, removal> removals_;  // under mutex_
  std::atomic<bool> any_{false};
};

}  // namespace conv::app
