#include "app/platform_event_consumer.hpp"

#include "app/server_messages.hpp"
#include "domain/platform_event.hpp"
#include "observability/logging.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace conv::app {
namespace {

const auto& log() {
  static const auto logger = observability::module_logger("platform-events");
  return logger;
}

constexpr std::size_t batch_size = 256;

}  // namespace

platform_event_consumer::platform_event_consumer(boost::asio::any_io_executor executor,
                                                 context& ctx, matchmaker& matching,
                                                 session_lifecycle& lifecycle,
                                                 removed_users& removed,
                                                 ports::event_source& source,
                                                 platform_event_pacing pace)
    : strand_(boost::asio::make_strand(executor)),
      timer_(strand_),
      ctx_(ctx),
      matching_(matching),
      lifecycle_(lifecycle),
      removed_(removed),
      source_(source),
      pace_(pace) {}

void platform_event_consumer::stop() {
  stopping_ = true;
  boost::asio::post(strand_, [this] { timer_.cancel(); });
}

boost::asio::awaitable<void> platform_event_consumer::pause(std::chrono::milliseconds d) {
  if (stopping_) co_return;
  timer_.expires_after(d);
  boost::system::error_code ec;
  co_await timer_.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
}

boost::asio::awaitable<void> platform_event_consumer::run() {
  co_await boost::asio::post(strand_, boost::asio::use_awaitable);
  while (!stopping_) {
    auto batch = co_await source_.poll(batch_size);
    if (!batch) {
      if (auto unlogged = failure_log_.admit(std::chrono::steady_clock::now()))
        log()->warn("cannot read platform events: {} ({} more since the last such line)",
                    batch.error().message, *unlogged);
      co_await pause(pace_.first_retry);
      continue;
    }
    if (batch->empty()) {
      co_await pause(pace_.idle_poll);
      continue;
    }
    for (const auto& e : *batch) {
      auto delay = pace_.first_retry;
      while (true) {
        auto handled = co_await handle(e);
        if (handled) break;
        if (handled.error().code != errc::service_unavailable) {
          // Not the store being down: trying again would block every event behind it.
          ++totals_.failed;
          log()->warn("a {} event could not be acted on, skipped: {}", e.topic,
                      handled.error().message);
          break;
        }
        // Stopping, the rest is not acknowledged: it comes again at the next start.
        if (stopping_) co_return;
        log()->warn("a {} event waits for the store: {}", e.topic, handled.error().message);
        co_await pause(delay);
        delay = std::min(delay * 2, pace_.longest_retry);
      }
    }
    // Failing here, the batch comes again at the next start: handling an event twice
    // changes nothing more than once (a removal already recorded is recognised; only
    // feedback-ready is told again).
    if (auto acked = co_await source_.acknowledge(); !acked)
      log()->warn("cannot record how far platform events were handled: {}", acked.error().message);
  }
}

ports::task<void> platform_event_consumer::handle(const ports::inbound_event& e) {
  auto malformed = [&](std::string_view problem) {
    ++totals_.malformed;
    if (auto unlogged = malformed_log_.admit(std::chrono::steady_clock::now()))
      log()->warn("malformed event on {} skipped: {} ({} more since the last such line)", e.topic,
                  problem, *unlogged);
  };
  if (e.oversize) {
    malformed(fmt::format("longer than {} bytes", ports::max_inbound_event_bytes));
    co_return result<void>{};
  }
  auto decoded = domain::decode_platform_event(e.topic, e.value);
  if (!decoded) {
    malformed(decoded.error().message);
    co_return result<void>{};
  }
  if (auto* removed = std::get_if<domain::user_removed>(&*decoded)) {
    // As of when it happened (a late event does not reach past a restoration of the
    // account since), but never a time to come.
    const auto now = ctx_.clock.now();
    auto r =
        co_await remove_user(removed->user_id, std::min(removed->occurred_at.value_or(now), now));
    if (!r) co_return r;
  } else if (auto* feedback = std::get_if<domain::feedback_completed>(&*decoded)) {
    auto r = co_await announce_feedback(feedback->session_id, std::move(feedback->data));
    if (!r) co_return r;
  } else {
    ++totals_.skipped;
    co_return result<void>{};
  }
  ++totals_.handled;
  co_return result<void>{};
}

ports::task<void> platform_event_consumer::remove_user(const std::string& user, timestamp at) {
  // A removal the store holds already is this event handed again (a position lost, a
  // restart before the acknowledgement): it reaches only what the user made until it, not
  // what an account restored since made. A new one reaches everything the user has now:
  // they may have joined with their old token between the removal and this moment.
  const bool again = removed_.is_recorded(user, at);
  const auto reach = again ? at : ctx_.clock.now();
  // First, so that the user cannot come back with a token they hold while the rest is done
  // (joining again, or reconnecting once closed).
  removed_.add(user, at);
  auto request = co_await matching_.remove_user(user, reach);
  if (!request) co_return request.error();
  auto session = co_await lifecycle_.remove_user(user, reach);
  if (!session) co_return session.error();
  // After the session, so that the user's client gets session-ended (user_removed) before
  // the close.
  if (!again || *request || *session) ctx_.hub.disconnect(user, close_user_removed, "user removed");
  // Last: until it is stored, a retry (store down) or a restart does all of the above again.
  // Named, not a braced temporary inside co_await (GCC 12 destroys those twice).
  ports::user_removal removal{user, at};
  auto recorded = co_await ctx_.store.record_user_removal(std::move(removal));
  if (!recorded) co_return recorded.error();
  removed_.add_recorded(user, at);
  log()->info("a removed user's tokens until then are refused{}{}{}",
              *request ? "; their request is cancelled" : "",
              *session ? "; their session is cancelled" : "",
              again ? " (a removal handled before)" : "; their connection is closed");
  co_return result<void>{};
}

ports::task<void> platform_event_consumer::announce_feedback(const std::string& session_id,
                                                             boost::json::object data) {
  auto session = co_await ctx_.store.find_session(session_id);
  if (!session) co_return session.error();
  if (!*session) {
    log()->info("feedback for a session this service does not know: skipped");
    co_return result<void>{};
  }
  const auto message = messages::feedback_ready(session_id, std::move(data));
  for (const auto* user : {&(*session)->participant1_id, &(*session)->participant2_id})
    if (ctx_.hub.is_online(*user)) ctx_.hub.send(*user, message, ctx_.clock.now());
  co_return result<void>{};
}

}  // namespace conv::app
