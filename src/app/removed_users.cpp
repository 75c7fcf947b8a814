#include "app/removed_users.hpp"

#include <mutex>

namespace conv::app {

removed_users::removal& removed_users::entry(const std::string& user) {
  any_ = true;
  return removals_[user];
}

void removed_users::add(const std::string& user, timestamp at) {
  std::unique_lock lock(mutex_);
  auto& r = entry(user);
  r.refused_until = std::max(r.refused_until, at);
}

void removed_users::add_recorded(const std::string& user, timestamp at) {
  std::unique_lock lock(mutex_);
  auto& r = entry(user);
  r.refused_until = std::max(r.refused_until, at);
  r.recorded = std::max(r.recorded.value_or(at), at);
}

bool removed_users::is_recorded(const std::string& user, timestamp at) const {
  std::shared_lock lock(mutex_);
  auto it = removals_.find(user);
  return it != removals_.end() && it->second.recorded && *it->second.recorded >= at;
}

bool removed_users::refuses(const std::string& user, std::optional<std::int64_t> issued_at) const {
  if (!any_) return false;
  std::shared_lock lock(mutex_);
  auto it = removals_.find(user);
  if (it == removals_.end()) return false;
  if (!issued_at) return true;
  const auto removed_second =
      std::chrono::duration_cast<std::chrono::seconds>(it->second.refused_until.time_since_epoch())
          .count();
  return *issued_at <= removed_second;
}

std::size_t removed_users::size() const {
  std::shared_lock lock(mutex_);
  return removals_.size();
}

}  // namespace conv::app
