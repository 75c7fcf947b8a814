#pragma once
// Drives sessions through the contract's lifecycle: every transition is decided by the
// domain table, stored with its events by compare-and-set (so it happens once, whoever
// sees the trigger first), and then both participants are told.
#include "app/context.hpp"
#include "domain/session_lifecycle.hpp"

#include <optional>
#include <string>

namespace conv::app {

// What a participant said in a report, for the session.reported event.
struct user_report {
  std::string reason;
  std::optional<std::string> details;
};

class session_lifecycle {
 public:
  explicit session_lifecycle(context& ctx) : ctx_(ctx) {}

  // REST (participants only; anyone else gets SESSION_NOT_FOUND).
  ports::task<domain::conversation_session> end_by(std::string user, std::string session_id);
  ports::task<domain::conversation_session> report(std::string user, std::string session_id,
                                                   std::string reason,
                                                   std::optional<std::string> details);
  ports::task<domain::conversation_session> find_for(std::string user, std::string session_id,
                                                     bool is_admin);

  // WebSocket.
  ports::task<void> on_peer_connected(std::string user, std::string session_id);
  // Returns the session the heartbeat was counted for ("" when the user has none).
  ports::task<std::string> on_heartbeat(std::string user, std::optional<std::string> session_id);
  boost::asio::awaitable<void> on_presence_changed(std::string user, bool online);

  // Timers and platform events.
  boost::asio::awaitable<void> on_timer(ports::timer_key key, timestamp due);
  ports::task<void> remove_user(std::string user);

  // A session the matchmaker just stored, or a live one found at start.
  boost::asio::awaitable<void> track(const domain::conversation_session& s, bool resumed);
  // Before resuming live sessions at start: `previous_run_alive` is until when the previous
  // run was known to be running. A resumed call that nobody is heard from again ended by
  // then, however long the service was down.
  void resuming(timestamp now, timestamp previous_run_alive);

  // The participants' live session as the cache or the store knows it.
  ports::task<live_session_ptr> live_session(const std::string& session_id);

 private:
  ports::task<domain::conversation_session> transition(
      std::string session_id, domain::session_trigger trigger, timestamp at,
      std::optional<std::string> participant, std::optional<user_report> report = std::nullopt);
  boost::asio::awaitable<void> after_transition(const domain::conversation_session& before,
                                                const domain::conversation_session& after);
  boost::asio::awaitable<void> cancel_session_timers(const domain::conversation_session& s);

  context& ctx_;
  struct resume_point {
    timestamp at;
    timestamp previous_run_alive;
  };
  std::optional<resume_point> resumed_;  // set once, before any timer runs
};

}  // namespace conv::app
