#include "app/presence_hub.hpp"

#include <functional>
#include <utility>

namespace conv::app {

presence_hub::shard& presence_hub::shard_of(std::string_view user) const {
  return shards_[std::hash<std::string_view>{}(user) % shard_count];
}

presence_hub::attached presence_hub::attach(const std::string& user,
                                            std::shared_ptr<connection_sink> sink, timestamp now,
                                            connection_order order) {
  std::shared_ptr<connection_sink> replaced;
  bool stale = false;
  auto& s = shard_of(user);
  {
    // Held messages are pushed under the lock so that nothing sent meanwhile overtakes them.
    std::lock_guard lock(s.mutex);
    auto& entry = s.users[user];
    stale = entry.sink && is_newer(entry.order, order);
    if (stale) {
      replaced = std::move(sink);  // the newer connection stays
    } else {
      replaced = std::exchange(entry.sink, sink);
      entry.order = order;
      if (entry.held)
        for (auto& h : entry.held->messages)
          if (now - h.at <= limits_.max_age) sink->push(std::move(h.message));
      entry.held.reset();
    }
  }
  if (!replaced) return attached::first;
  replaced->close(4000, "replaced by a newer connection");
  return stale ? attached::stale : attached::replacing;
}

bool presence_hub::detach(const std::string& user, const connection_sink* sink) {
  auto& s = shard_of(user);
  std::lock_guard lock(s.mutex);
  auto it = s.users.find(user);
  if (it == s.users.end() || it->second.sink.get() != sink) return false;
  it->second.sink.reset();
  if (!it->second.held) s.users.erase(it);
  return true;
}

void presence_hub::send(const std::string& user, outbound_message message, timestamp now,
                        origin from) {
  auto& s = shard_of(user);
  std::lock_guard lock(s.mutex);
  auto& entry = s.users[user];
  if (entry.sink)
    entry.sink->push(std::move(message));  // only queues: cheap enough to do under the lock
  else
    hold(entry, std::move(message), now, from);
}

void presence_hub::hold(user_entry& entry, outbound_message message, timestamp now, origin from) {
  if (!entry.held) entry.held = std::make_unique<held_queue>();
  auto& held = *entry.held;
  drop_aged(held, now);
  if (from == origin::relayed && (held.messages.size() >= limits_.max_messages ||
                                  held.bytes + message->size() > limits_.max_bytes)) {
    ++held_dropped_;
    return;
  }
  held.bytes += message->size();
  held.messages.push_back({now, std::move(message)});
}

bool presence_hub::is_online(const std::string& user) const {
  auto& s = shard_of(user);
  std::lock_guard lock(s.mutex);
  auto it = s.users.find(user);
  return it != s.users.end() && it->second.sink;
}

void presence_hub::disconnect(const std::string& user, std::uint16_t code,
                              std::string_view reason) {
  std::shared_ptr<connection_sink> sink;
  auto& s = shard_of(user);
  {
    std::lock_guard lock(s.mutex);
    auto it = s.users.find(user);
    if (it == s.users.end()) return;
    sink = std::move(it->second.sink);
    s.users.erase(it);
  }
  if (sink) sink->close(code, reason);
}

void presence_hub::drop_expired(timestamp now) {
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (auto it = s.users.begin(); it != s.users.end();) {
      auto& entry = it->second;
      if (entry.held) {
        drop_aged(*entry.held, now);
        if (entry.held->messages.empty()) entry.held.reset();
      }
      if (!entry.sink && !entry.held)
        it = s.users.erase(it);
      else
        ++it;
    }
  }
}

void presence_hub::drop_aged(held_queue& held, timestamp now) const {
  while (!held.messages.empty() && now - held.messages.front().at > limits_.max_age) {
    held.bytes -= held.messages.front().message->size();
    held.messages.pop_front();
  }
}

std::size_t presence_hub::count_users(const std::function<bool(const user_entry&)>& which) const {
  std::size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (auto& [user, entry] : s.users)
      n += which(entry) ? 1 : 0;
  }
  return n;
}

std::size_t presence_hub::held_users() const {
  return count_users([](const user_entry& e) { return bool(e.held); });
}

std::size_t presence_hub::online_count() const {
  return count_users([](const user_entry& e) { return bool(e.sink); });
}

}  // namespace conv::app
