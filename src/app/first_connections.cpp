#include "app/first_connections.hpp"

namespace conv::app {

void first_connections::expect(const std::string& session_id, const std::string& user) {
  std::lock_guard lock(mutex_);
  awaited_.emplace(session_id, user);
}

bool first_connections::arrived(const std::string& session_id, const std::string& user) {
  std::lock_guard lock(mutex_);
  if (awaited_.empty()) return false;
  return awaited_.erase({session_id, user}) > 0;
}

void first_connections::forget(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  // Entries are ordered by session id first: a session's are side by side.
  auto it = awaited_.lower_bound({session_id, std::string()});
  while (it != awaited_.end() && it->first == session_id)
    it = awaited_.erase(it);
}

}  // namespace conv::app
