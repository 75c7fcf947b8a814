#pragma once
// ports::match_queue in this process's memory. Every operation is a few hash and tree
// lookups under one mutex: short enough that a lock is cheaper than posting to an actor,
// and one lock makes each decision atomic by construction.
#include "ports/match_queue.hpp"

#include <map>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

namespace conv::adapters::embedded {

class memory_match_queue : public ports::match_queue {
 public:
  ports::task<ports::join_decision> take_partner_or_reserve(ports::queued_request request) override;
  ports::task<ports::join_decision> take_partner_or_publish(ports::queued_request request) override;
  ports::task<void> unreserve(std::string user_id) override;
  ports::task<std::optional<ports::queued_request>> remove(std::string user_id,
                                                           std::string request_id) override;
  ports::task<std::optional<ports::queued_request>> remove_user(std::string user_id) override;
  ports::task<bool> has_queued(std::string user_id) override;
  ports::task<void> restore(ports::queued_request request) override;
  ports::task<void> engage(std::vector<std::string> user_ids) override;
  ports::task<void> release(std::vector<std::string> user_ids) override;

  std::size_t queued_count() const;

 private:
  using line_position = std::pair<std::int64_t, std::string>;  // (enqueued_at_ms, request id)
  using line = std::map<line_position, ports::queued_request>;
  struct place {
    bool reserved = false;
    std::string queue;
    line_position position;
  };

  // Under mutex_: the oldest partner for `request` in preference order, taken out of line.
  std::optional<ports::queued_request> take_partner_locked(const ports::queued_request& request);
  using users_map = std::unordered_map<std::string, place>;
  // Under mutex_: puts `request` in line, in place of any the user has there.
  void enqueue_locked(const ports::queued_request& request);
  // Under mutex_: takes the user's queued request out of line; its entry.
  std::optional<ports::queued_request> unqueue_locked(users_map::iterator user);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, line> lines_;  // "{language}:{level}" → waiting requests
  users_map users_;                              // user → their reserved or queued request
  std::unordered_set<std::string> engaged_;      // users in a live session
};

}  // namespace conv::adapters::embedded
