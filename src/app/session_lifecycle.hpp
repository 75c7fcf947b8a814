#pragma once
// Drives sessions through the contract's lifecycle: every transition is decided by the
// domain table, stored with its events by compare-and-set (so it happens once, whoever
// sees the trigger first), and then both participants are told.
#include "app/context.hpp"
#include "app/first_connections.hpp"
#include "app/resumed_calls.hpp"
#include "domain/session_lifecycle.hpp"

#include <atomic>
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
  // The platform removed the user at `removed_at`: their live session, if it was made by
  // then, is cancelled (user_removed). True when one was.
  ports::task<bool> remove_user(std::string user, timestamp removed_at);

  // A session the matchmaker just stored, or a live one found at start.
  boost::asio::awaitable<void> track(const domain::conversation_session& s, bool resumed);
  // At start, before and after resuming live sessions (app::resumed_calls).
  void resuming(timestamp now, const ports::liveness_record& previous) {
    resumed_.resuming(now, previous);
  }
  void resumed(ports::liveness_record& record) { resumed_.resumed(record); }
  // A participant of this session, while it waits for its call to start, gets match-found
  // again when they connect: what was held for them went with the previous run.
  void repeat_match_found_on_connect(const std::string& session_id) {
    resumed_.repeat_match_found_on_connect(session_id);
  }

  // Transitions committed by this instance, for /metrics.
  struct transition_counts {
    std::atomic<std::uint64_t> started{0}, completed{0}, cancelled{0};
  };
  const transition_counts& totals() const { return totals_; }

  // The participants' live session as the cache or the store knows it.
  ports::task<live_session_ptr> live_session(const std::string& session_id);

 private:
  ports::task<domain::conversation_session> transition(
      std::string session_id, domain::session_trigger trigger, timestamp at,
      std::optional<std::string> participant, std::optional<user_report> report = std::nullopt);
  // Counts and logs a transition once it is stored.
  void committed_transition(const domain::conversation_session& before,
                            const domain::conversation_session& after,
                            domain::session_trigger trigger);
  boost::asio::awaitable<void> after_transition(const domain::conversation_session& before,
                                                const domain::conversation_session& after);
  boost::asio::awaitable<void> cancel_session_timers(const domain::conversation_session& s);
  // What the previous run held for the participants of a session it matched is gone with
  // it: a participant of a session resumed while waiting gets match-found again on connect.
  boost::asio::awaitable<void> send_match_found_again(std::string user, std::string session_id);

  context& ctx_;
  transition_counts totals_;
  resumed_calls resumed_;
  first_connections first_connections_;
};

}  // namespace conv::app
