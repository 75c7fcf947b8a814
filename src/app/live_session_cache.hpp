#pragma once
// The waiting and active sessions this instance knows, for the hot paths (relaying a
// signaling message, routing a heartbeat) that must not touch the store. The store stays
// the truth: the cache is filled from it at start and after every committed transition,
// and a miss falls back to the store.
#include "common/string_hash.hpp"
#include "domain/session.hpp"

#include <array>
#include <functional>
#include <memory>
#include <mutex>
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
  // Records the session if it is live, forgets it otherwise.
  void update(const domain::conversation_session& s);
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
};

}  // namespace conv::app
