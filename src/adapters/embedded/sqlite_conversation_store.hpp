#pragma once
// ports::conversation_store on the embedded SQLite file. Documents are stored as their
// JSON form next to the columns the queries need; the outbox is a table written in the
// same transaction as the change it describes.
#include "adapters/embedded/sqlite_database.hpp"
#include "ports/conversation_store.hpp"

namespace conv::adapters::embedded {

class sqlite_conversation_store : public ports::conversation_store {
 public:
  explicit sqlite_conversation_store(sqlite_database& db) : db_(db) {}

  ports::task<void> commit(ports::change_set changes) override;
  ports::task<std::optional<domain::conversation_session>> find_session(std::string id) override;
  ports::task<ports::session_page> sessions_of(std::string user_id,
                                               std::optional<domain::session_status> status,
                                               std::size_t limit,
                                               std::optional<std::string> cursor) override;
  ports::task<std::optional<domain::matchmaking_request>> latest_request_of(
      std::string user_id) override;
  ports::task<std::optional<domain::matchmaking_request>> find_request(std::string id) override;
  ports::task<std::optional<domain::conversation_session>> live_session_of(
      std::string user_id) override;
  ports::task<std::vector<domain::conversation_session>> live_sessions() override;
  ports::task<std::vector<domain::matchmaking_request>> pending_requests() override;
  ports::task<std::vector<ports::stored_event>> unsent_events(std::size_t max) override;
  ports::task<void> mark_sent(std::vector<std::int64_t> sequences) override;
  ports::task<void> record_user_removal(ports::user_removal removal) override;
  ports::task<std::vector<ports::user_removal>> user_removals() override;

 private:
  sqlite_database& db_;
};

}  // namespace conv::adapters::embedded
