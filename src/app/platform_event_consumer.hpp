#pragma once
// Acts on what the rest of the platform tells this service (contract: Events, Consumed):
// a user deleted or banned loses their request, their session (cancelled, `user_removed`)
// and their connection, and their tokens issued until then (app::removed_users); a finished
// feedback is announced to the session's participants who are online (`feedback-ready`). Unknown
// types are skipped; malformed events are logged and counted and never stop the consumer. An event
// that fails because a store is down is tried again until it succeeds: events are acknowledged only
// once handled.
#include "app/context.hpp"
#include "app/matchmaker.hpp"
#include "app/removed_users.hpp"
#include "app/session_lifecycle.hpp"
#include "observability/log_throttle.hpp"
#include "ports/event_source.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace conv::app {

// The WebSocket close code for a user the platform deleted or banned.
inline constexpr std::uint16_t close_user_removed = 4003;

struct platform_event_pacing {
  std::chrono::milliseconds idle_poll{200};  // between polls while nothing comes
  // Before trying again an event that failed because the store was down; doubled each
  // time up to `longest_retry`. After a failed poll, `first_retry` too.
  std::chrono::milliseconds first_retry{1000};
  std::chrono::milliseconds longest_retry{30'000};
};

class platform_event_consumer {
 public:
  platform_event_consumer(boost::asio::any_io_executor executor, context& ctx, matchmaker& matching,
                          session_lifecycle& lifecycle, removed_users& removed,
                          ports::event_source& source, platform_event_pacing pace = {});

  // Runs until stop(): polls the source, acts on each event in turn, acknowledges each
  // batch once all of it is handled.
  boost::asio::awaitable<void> run();
  void stop();

  struct event_counts {
    // skipped: a type this service does not act on; failed: acted on in part, not because
    // a store was down (logged).
    std::atomic<std::uint64_t> handled{0}, skipped{0}, malformed{0}, failed{0};
  };
  const event_counts& totals() const { return totals_; }

 private:
  // Fails with service_unavailable when a store is down (the event is to be tried again).
  ports::task<void> handle(const ports::inbound_event& e);
  ports::task<void> remove_user(const std::string& user, timestamp at);
  ports::task<void> announce_feedback(const std::string& session_id, boost::json::object data);
  // Sleeps for `d`, or until stop().
  boost::asio::awaitable<void> pause(std::chrono::milliseconds d);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::steady_timer timer_;
  context& ctx_;
  matchmaker& matching_;
  session_lifecycle& lifecycle_;
  removed_users& removed_;
  ports::event_source& source_;
  platform_event_pacing pace_;
  std::atomic<bool> stopping_{false};
  event_counts totals_;
  observability::log_throttle malformed_log_{std::chrono::seconds(10)};
  observability::log_throttle failure_log_{std::chrono::seconds(10)};
};

}  // namespace conv::app
