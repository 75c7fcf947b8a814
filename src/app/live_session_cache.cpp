#include "app/live_session_cache.hpp"

#include <functional>

namespace conv::app {

live_session_cache::shard& live_session_cache::shard_of(std::string_view key) const {
  return shards_[std::hash<std::string_view>{}(key) % shard_count];
}

void live_session_cache::erase_user_if(const std::string& user, const std::string& session_id) {
  auto& s = shard_of(user);
  std::lock_guard lock(s.mutex);
  auto it = s.by_user.find(user);
  if (it != s.by_user.end() && it->second->id == session_id) s.by_user.erase(it);
}

bool live_session_cache::update(const domain::conversation_session& session) {
  using clock = std::chrono::steady_clock;
  constexpr auto remember_ended = std::chrono::seconds(10);
  std::lock_guard updating(updates_);
  const auto now = clock::now();
  if (now - last_prune_ > std::chrono::seconds(1)) {
    last_prune_ = now;
    std::erase_if(versions_, [&](const auto& v) {
      return v.second.ended && now - *v.second.ended > remember_ended;
    });
  }
  auto [known, first] = versions_.try_emplace(session.id, seen{session.version, std::nullopt});
  if (!first) {
    if (known->second.version > session.version) return false;
    known->second.version = session.version;
  }

  if (!domain::is_live(session.status)) {
    known->second.ended = now;
    {
      auto& s = shard_of(session.id);
      std::lock_guard lock(s.mutex);
      s.by_id.erase(session.id);
    }
    erase_user_if(session.participant1_id, session.id);
    erase_user_if(session.participant2_id, session.id);
    return true;
  }
  auto entry = std::make_shared<const live_session>(
      live_session{session.id, session.participant1_id, session.participant2_id, session.status});
  {
    auto& s = shard_of(session.id);
    std::lock_guard lock(s.mutex);
    s.by_id[session.id] = entry;
  }
  for (const auto* user : {&session.participant1_id, &session.participant2_id}) {
    auto& s = shard_of(*user);
    std::lock_guard lock(s.mutex);
    s.by_user[*user] = entry;
  }
  return true;
}

live_session_ptr live_session_cache::find(std::string_view session_id) const {
  auto& s = shard_of(session_id);
  std::lock_guard lock(s.mutex);
  auto it = s.by_id.find(session_id);
  return it == s.by_id.end() ? nullptr : it->second;
}

live_session_ptr live_session_cache::of_user(const std::string& user) const {
  auto& s = shard_of(user);
  std::lock_guard lock(s.mutex);
  auto it = s.by_user.find(user);
  return it == s.by_user.end() ? nullptr : it->second;
}

std::size_t live_session_cache::size() const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    n += s.by_id.size();
  }
  return n;
}

}  // namespace conv::app
