#include "app/resumed_calls.hpp"

#include <algorithm>

namespace conv::app {

void resumed_calls::resuming(timestamp now, const ports::liveness_record& previous) {
  if (auto alive = previous.previous_run_alive())
    point_ = resume_point{now, *alive, previous.previous_unheard()};
}

void resumed_calls::resume_call(const std::string& session_id, const std::string& participant1,
                                const std::string& participant2) {
  if (!point_) return;
  // Until heard from, each participant was last known to be there when the previous run
  // stopped, or earlier if that run never heard from them either.
  std::lock_guard lock(mutex_);
  for (const auto* user : {&participant1, &participant2}) {
    auto bound = point_->previous_run_alive;
    if (auto it = point_->previous_unheard.find({session_id, *user});
        it != point_->previous_unheard.end())
      bound = std::min(bound, it->second);
    unheard_[{session_id, *user}] = bound;
  }
  any_unheard_ = true;
}

void resumed_calls::resumed(ports::liveness_record& record) {
  std::lock_guard lock(mutex_);
  record_ = &record;
  keep_locked();
}

timestamp resumed_calls::silent_since(const std::string& session_id) {
  // After a restart every timer fires at once, not in the order the silences began.
  std::lock_guard lock(mutex_);
  auto since = point_->previous_run_alive;
  for (auto it = unheard_.lower_bound({session_id, std::string()});
       it != unheard_.end() && it->first.first == session_id; ++it)
    since = std::min(since, it->second);
  return since;
}

void resumed_calls::heard(const std::string& session_id, const std::string& user) {
  if (!any_unheard_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(mutex_);
  if (unheard_.erase({session_id, user}) == 0) return;
  keep_locked();
}

void resumed_calls::ended(const std::string& session_id) {
  if (!any_unheard_.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(mutex_);
  auto first = unheard_.lower_bound({session_id, std::string()});
  auto last = first;
  while (last != unheard_.end() && last->first.first == session_id)
    ++last;
  if (first == last) return;
  unheard_.erase(first, last);
  keep_locked();
}

void resumed_calls::keep_locked() {
  any_unheard_ = !unheard_.empty();
  if (record_) record_->keep_unheard(unheard_);
}

void resumed_calls::repeat_match_found_on_connect(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  waiting_.insert(session_id);
}

bool resumed_calls::repeats_match_found(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  return waiting_.contains(session_id);
}

}  // namespace conv::app
