#pragma once
// The waiting and active sessions this instance knows, for the hot paths (relaying a
// signaling message, routing a heartbeat) that must not touch the store. The store stays
// the truth: the cache is filled from it at start and after every committed transition,
// and a miss falls back to the store.
#include "common/string_hash.hpp"
#include "domain/session.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace conv::app {

struct live_session {
  std::string id;
  std::string participant1;
  std::string participant2;
  domain::session_status status = domain::session_status::waiting;

  bool has(std::string_view user) const { return user == participant1 || user == participant2; }
  const std::string& partner_of(std::string_view user) const {
    return user == participant1 ? participant2 : participant1;
  }
};
using live_session_ptr = std::shared_ptr<const live_session>;

class live_session_cache {
 public:
  // Records the session if it is live, forgets it otherwise. False, and nothing changes,
  // when the cache has seen a later version of it: two transitions' aftermaths may run in
  // either order (one on a busy I/O thread), and an ended session must not come back.
  bool update(const domain::conversation_session& s);
  live_session_ptr find(std::string_view session_id) const;
  live_session_ptr of_user(const std::string& user) const;
  std::size_t size() const;

 private:
  struct shard {
    mutable std::mutex mutex;
    // found by string_view: no string built per relayed message
    std::unordered_map<std::string, live_session_ptr, string_hash, std::equal_to<>> by_id;
    std::unordered_map<std::string, live_session_ptr> by_user;
  };
  shard& shard_of(std::string_view key) const;
  void erase_user_if(const std::string& user, const std::string& session_id);

  static constexpr std::size_t shard_count = 32;
  mutable std::array<shard, shard_count> shards_;

  // The latest version seen of each live session, and of each session that ended in the
  // last few seconds (longer than any aftermath is late). Only update() uses them, one
  // update at a time: they are as rare as transitions, lookups never wait for them.
  struct seen {
    std::int64_t version;
    std::optional<std::chrono::steady_clock::time_point> ended;
  };
  std::mutex updates_;
  std::unordered_map<std::string, seen> versions_;
  std::chrono::steady_clock::time_point last_prune_{};
};

}  // namespace conv::app
