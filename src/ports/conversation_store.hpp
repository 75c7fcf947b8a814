#pragma once
// Sessions, matchmaking requests and the outbox of events, changed together.
//
// Promises:
// - commit() is atomic: every document and every event of a change_set is stored, or none.
// - Compare-and-set: a document whose version is 1 must not exist yet; any other version v
//   replaces only the stored version v-1. A lost race returns errc::invalid_state and
//   stores nothing, so two instances or two timers racing produce one transition and one
//   set of events.
// - Events committed here are handed to the event sink by the outbox relay, at least once.
#include "domain/event.hpp"
#include "domain/matchmaking_request.hpp"
#include "domain/session.hpp"
#include "ports/async.hpp"

#include <optional>
#include <string>
#include <vector>

namespace conv::ports {

struct change_set {
  std::vector<domain::conversation_session> sessions;
  std::vector<domain::matchmaking_request> requests;
  std::vector<domain::event> events;
};

struct session_page {
  std::vector<domain::conversation_session> items;
  std::optional<std::string> cursor;  // opaque; set when more items may follow
};

// A user the platform deleted or banned, and when (app::removed_users).
struct user_removal {
  std::string user_id;
  timestamp at{};
};

struct stored_event {
  std::int64_t sequence = 0;  // outbox order
  domain::event event;
};

class conversation_store {
 public:
  virtual ~conversation_store() = default;

  virtual task<void> commit(change_set changes) = 0;

  virtual task<std::optional<domain::conversation_session>> find_session(std::string id) = 0;
  // The user's sessions, newest first.
  virtual task<session_page> sessions_of(std::string user_id,
                                         std::optional<domain::session_status> status,
                                         std::size_t limit, std::optional<std::string> cursor) = 0;
  virtual task<std::optional<domain::matchmaking_request>> latest_request_of(
      std::string user_id) = 0;
  virtual task<std::optional<domain::matchmaking_request>> find_request(std::string id) = 0;
  // Waiting or active sessions of a user (at most one in a consistent store).
  virtual task<std::optional<domain::conversation_session>> live_session_of(
      std::string user_id) = 0;
  // Everything live, to resume timers and queues at start.
  virtual task<std::vector<domain::conversation_session>> live_sessions() = 0;
  virtual task<std::vector<domain::matchmaking_request>> pending_requests() = 0;

  // Outbox: events not yet handed to the sink, oldest first; and marking them handed.
  virtual task<std::vector<stored_event>> unsent_events(std::size_t max) = 0;
  virtual task<void> mark_sent(std::vector<std::int64_t> sequences) = 0;

  // Users the platform removed: kept so that their older tokens are refused after a restart
  // too, and an event handed again is known. Recording a user again keeps the later time.
  virtual task<void> record_user_removal(user_removal removal) = 0;
  virtual task<std::vector<user_removal>> user_removals() = 0;
};

}  // namespace conv::ports
