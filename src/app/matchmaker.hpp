#pragma once
// Pairs learners (contract: Matchmaking; seed: Algorithme de Matchmaking). The atomic
// decision is the match queue's; this use case stores what it decided, with its events,
// and tells both users.
#include "app/context.hpp"
#include "app/session_lifecycle.hpp"

#include <atomic>
#include <optional>
#include <string>

namespace conv::app {

struct join_outcome {
  domain::matchmaking_request request;
  std::optional<domain::conversation_session> session;  // set when matched at once
};

class matchmaker {
 public:
  matchmaker(context& ctx, session_lifecycle& lifecycle) : ctx_(ctx), lifecycle_(lifecycle) {}

  ports::task<join_outcome> join(std::string user, domain::join_wish wish);
  ports::task<domain::matchmaking_request> leave(std::string user);
  ports::task<domain::matchmaking_request> status(std::string user);

  boost::asio::awaitable<void> on_timer(ports::timer_key key, timestamp due);
  // The user's last connection closed (start the presence grace) or one opened.
  boost::asio::awaitable<void> on_presence_changed(std::string user, bool online);
  // The platform removed the user at `removed_at`: their request in line, if they made it
  // by then, is cancelled (user_removed). True when one was.
  ports::task<bool> remove_user(std::string user, timestamp removed_at);
  // What this instance stored, for /metrics.
  struct request_counts {
    std::atomic<std::uint64_t> requests{0}, matches{0}, expired{0}, cancelled{0};
  };
  const request_counts& totals() const { return totals_; }

  // Puts the pending requests found at start back in line, with their timers, and matches
  // those that suit each other.
  ports::task<void> resume(std::vector<domain::matchmaking_request> pending);

 private:
  ports::task<join_outcome> complete_match(domain::matchmaking_request joiner, bool joiner_stored,
                                           ports::queued_request partner);
  // no_longer_waiting: matched now, or no longer in line (matched as a newer request's
  // partner, left or expired); waiting: in line, nobody suits it; store_down: in line, and
  // a match was found but could not be stored.
  enum class rematch_outcome { no_longer_waiting, waiting, store_down };
  // Takes a request in line out and back in as a join would, so that it is matched with a
  // request that suits it and is already waiting: at start (two requests a run left
  // pending side by side), and after its match could not be stored.
  boost::asio::awaitable<rematch_outcome> rematch(std::string user, std::string request_id,
                                                  bool at_start = false);
  // A rematch of `r` in a moment, when the store may be back.
  boost::asio::awaitable<void> schedule_rematch(const domain::matchmaking_request& r);
  // Ends a queued request (leave, expiry, presence, removal) once the queue gave it up: the
  // entry is the stored pending request, so nothing is read. When the change cannot be
  // stored, the request goes back in line.
  ports::task<domain::matchmaking_request> finish_request(ports::queued_request queued,
                                                          domain::request_status status,
                                                          std::string_view event_type,
                                                          std::string_view reason);
  // One attempt at what a request timer asks for: true when done or nothing is left to do,
  // false when the store was down (the request is back in line, to be tried again).
  boost::asio::awaitable<bool> run_request_timer(const ports::timer_key& key);
  // A waiting request's deadline, and its presence grace when its user has no connection.
  boost::asio::awaitable<void> schedule_request_timers(const domain::matchmaking_request& r,
                                                       timestamp now);
  boost::asio::awaitable<void> cancel_request_timers(const std::string& request_id,
                                                     const std::string& user);
  static ports::queued_request queued_from(const domain::matchmaking_request& r);
  static domain::matchmaking_request pending_from(ports::queued_request q);

  context& ctx_;
  session_lifecycle& lifecycle_;
  request_counts totals_;
};

}  // namespace conv::app
