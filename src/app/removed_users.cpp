#include "app/removed_users.hpp"

#include <mutex>

namespace conv::app {

void removed_users::add(const std::string& user, timestamp at) {
  std::unique_lock lock(mutex_);
  auto [it, added] = removed_at_.try_emplace(user, at);
  if (!added) it->second = std::max(it->second, at);
  any_ = true;
}

bool removed_users::refuses(const std::string& user, std::optional<std::int64_t> issued_at) const {
  if (!any_) return false;
  std::shared_lock lock(mutex_);
  auto it = removed_at_.find(user);
  if (it == removed_at_.end()) return false;
  if (!issued_at) return true;
  const auto removed_second =
      std::chrono::duration_cast<std::chrono::seconds>(it->second.time_since_epoch()).count();
  return *issued_at <= removed_second;
}

std::size_t removed_users::size() const {
  std::shared_lock lock(mutex_);
  return removed_at_.size();
}

}  // namespace conv::app
