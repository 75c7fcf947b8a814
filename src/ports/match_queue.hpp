#pragma once
// The queues of waiting requests, one per "{language}:{level}", and who is already taken.
//
// Promises (the contract's matchmaking rules live here because they must be atomic):
// - A join is two atomic steps around storing the request: take_partner_or_reserve either
//   hands out a partner or reserves the user's place (invisible to other joiners, so nobody
//   is matched with a request that is not stored yet); take_partner_or_publish then hands
//   out a partner who arrived meanwhile or makes the request visible. A user never has two
//   queued or reserved requests, a user who is engaged (matched, session not yet ended) is
//   never queued, and a queued request is handed out as a partner at most once.
// - The partner is the oldest request of the same language at the same level, then one
//   level below, then one above; never the joiner themself.
// - Once matched, both users stay engaged until release() (their session ended).
#include "domain/level.hpp"
#include "ports/async.hpp"

#include <optional>
#include <string>
#include <vector>

namespace conv::ports {

struct queued_request {
  std::string request_id;
  std::string user_id;
  std::string language;
  domain::cefr_level level = domain::cefr_level::a1;
  std::int64_t enqueued_at_ms = 0;  // queue order: oldest first; the request's createdAt
  // The rest of the stored pending request, handed back with the partner so that a match
  // needs no read of it (the commit's version check still proves the store agrees).
  std::optional<std::string> learning_profile_id;
  std::optional<std::string> preferred_topic_id;
  std::optional<int> preferred_duration;
  std::int64_t expires_at_ms = 0;
  std::int64_t version = 1;
};

enum class join_verdict { reserved, queued, matched, already_queued, already_engaged };

struct join_decision {
  join_verdict verdict = join_verdict::queued;
  std::optional<queued_request> partner;  // set when matched
};

class match_queue {
 public:
  virtual ~match_queue() = default;

  // Step one: matched (both users engaged), reserved, already_queued or already_engaged.
  virtual task<join_decision> take_partner_or_reserve(queued_request request) = 0;
  // Step two, for a reserved request: matched, or queued (now visible to joiners).
  virtual task<join_decision> take_partner_or_publish(queued_request request) = 0;
  // Drops a reservation whose request could not be stored.
  virtual task<void> unreserve(std::string user_id) = 0;
  // Removes the user's queued request if it is `request_id`; its entry when it was queued.
  virtual task<std::optional<queued_request>> remove(std::string user_id,
                                                     std::string request_id) = 0;
  // Removes whatever request the user has queued; its entry when there was one.
  virtual task<std::optional<queued_request>> remove_user(std::string user_id) = 0;
  // Whether the user has a request in line (reserved ones not counted: they are not stored
  // yet, and their joiner finishes them).
  virtual task<bool> has_queued(std::string user_id) = 0;
  // Puts a request back at its place in line (a change that could not be stored; a pending
  // request resumed at start). It replaces any request the user has in line: a user waits
  // once.
  virtual task<void> restore(queued_request request) = 0;
  // Marks users engaged (resuming live sessions at start) or frees them (session ended).
  virtual task<void> engage(std::vector<std::string> user_ids) = 0;
  virtual task<void> release(std::vector<std::string> user_ids) = 0;
};

}  // namespace conv::ports
