#include "adapters/embedded/memory_match_queue.hpp"

#include "domain/matchmaking_request.hpp"

namespace conv::adapters::embedded {

using ports::join_decision;
using ports::join_verdict;
using ports::queued_request;

std::optional<queued_request> memory_match_queue::take_partner_locked(const queued_request& r) {
  for (auto level : domain::partner_levels_for(r.level)) {
    auto it = lines_.find(domain::queue_key(r.language, level));
    if (it == lines_.end()) continue;
    auto& waiting = it->second;
    for (auto entry = waiting.begin(); entry != waiting.end(); ++entry) {
      if (entry->second.user_id == r.user_id) continue;  // never the joiner themself
      auto partner = std::move(entry->second);
      waiting.erase(entry);
      if (waiting.empty()) lines_.erase(it);
      users_.erase(partner.user_id);
      engaged_.insert(partner.user_id);
      engaged_.insert(r.user_id);
      return partner;
    }
  }
  return std::nullopt;
}

std::optional<queued_request> memory_match_queue::unqueue_locked(users_map::iterator user) {
  std::optional<queued_request> entry;
  auto line_it = lines_.find(user->second.queue);
  if (line_it != lines_.end()) {
    if (auto it = line_it->second.find(user->second.position); it != line_it->second.end()) {
      entry = std::move(it->second);
      line_it->second.erase(it);
    }
    if (line_it->second.empty()) lines_.erase(line_it);
  }
  users_.erase(user);
  return entry;
}

void memory_match_queue::enqueue_locked(const queued_request& r) {
  if (auto mine = users_.find(r.user_id); mine != users_.end() && !mine->second.reserved)
    unqueue_locked(mine);  // a user waits once
  const auto key = domain::queue_key(r.language, r.level);
  line_position position{r.enqueued_at_ms, r.request_id};
  lines_[key].insert_or_assign(position, r);
  users_[r.user_id] = place{false, key, std::move(position)};
}

ports::task<join_decision> memory_match_queue::take_partner_or_reserve(queued_request r) {
  std::lock_guard lock(mutex_);
  if (engaged_.count(r.user_id)) co_return join_decision{join_verdict::already_engaged, {}};
  if (users_.count(r.user_id)) co_return join_decision{join_verdict::already_queued, {}};
  if (auto partner = take_partner_locked(r))
    co_return join_decision{join_verdict::matched, std::move(partner)};
  users_[r.user_id] = place{true, {}, {}};
  co_return join_decision{join_verdict::reserved, {}};
}

ports::task<join_decision> memory_match_queue::take_partner_or_publish(queued_request r) {
  std::lock_guard lock(mutex_);
  auto mine = users_.find(r.user_id);
  if (mine == users_.end() || !mine->second.reserved)
    co_return make_error(errc::internal, "publishing a request that was not reserved");
  users_.erase(mine);
  if (auto partner = take_partner_locked(r))
    co_return join_decision{join_verdict::matched, std::move(partner)};
  enqueue_locked(r);
  co_return join_decision{join_verdict::queued, {}};
}

ports::task<void> memory_match_queue::unreserve(std::string user_id) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it != users_.end() && it->second.reserved) users_.erase(it);
  co_return result<void>{};
}

ports::task<std::optional<queued_request>> memory_match_queue::remove(std::string user_id,
                                                                      std::string request_id) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  if (it == users_.end() || it->second.reserved || it->second.position.second != request_id)
    co_return std::optional<queued_request>();
  co_return unqueue_locked(it);
}

ports::task<std::optional<queued_request>> memory_match_queue::remove_user(std::string user_id) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  // A reserved request is not stored yet: it is its joiner's to finish, not ours to remove.
  if (it == users_.end() || it->second.reserved) co_return std::optional<queued_request>();
  co_return unqueue_locked(it);
}

ports::task<bool> memory_match_queue::has_queued(std::string user_id) {
  std::lock_guard lock(mutex_);
  auto it = users_.find(user_id);
  co_return it != users_.end() && !it->second.reserved;
}

ports::task<void> memory_match_queue::restore(queued_request r) {
  std::lock_guard lock(mutex_);
  enqueue_locked(r);
  co_return result<void>{};
}

ports::task<void> memory_match_queue::engage(std::vector<std::string> user_ids) {
  std::lock_guard lock(mutex_);
  for (auto& u : user_ids)
    engaged_.insert(std::move(u));
  co_return result<void>{};
}

ports::task<void> memory_match_queue::release(std::vector<std::string> user_ids) {
  std::lock_guard lock(mutex_);
  for (const auto& u : user_ids)
    engaged_.erase(u);
  co_return result<void>{};
}

std::size_t memory_match_queue::queued_count() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [key, waiting] : lines_)
    n += waiting.size();
  return n;
}

}  // namespace conv::adapters::embedded
