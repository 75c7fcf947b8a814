#include "app/conversation_service.hpp"

#include "common/pair_of.hpp"
#include "observability/logging.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace conv::app {
namespace {
const auto& log() {
  static const auto logger = observability::module_logger("service");
  return logger;
}
}  // namespace

conversation_service::conversation_service(context& c, ports::audio_store& audio_store,
                                           ports::event_sink& events,
                                           ports::event_source& platform_event_source,
                                           boost::asio::any_io_executor executor,
                                           std::uint64_t audio_max_bytes)
    : ctx(c),
      lifecycle(c),
      matching(c, lifecycle),
      signaling(c, lifecycle),
      audio(c, audio_store, audio_max_bytes),
      outbox(executor, c.store, events),
      platform_events(executor, c, matching, lifecycle, removed, platform_event_source),
      executor_(std::move(executor)) {
  ctx.events_committed = [this] { outbox.wake(); };
}

ports::task<void> conversation_service::start(ports::liveness_record* liveness) {
  auto topics = co_await ctx.topics.start();
  if (!topics) co_return topics.error();
  auto removals = co_await ctx.store.user_removals();
  if (!removals) co_return removals.error();
  for (const auto& r : *removals)
    removed.add_recorded(r.user_id, r.at);

  ctx.scheduler.start([this](ports::timer_key key, timestamp due) -> boost::asio::awaitable<void> {
    switch (key.kind) {
      case ports::timer_kind::request_expiry:
      case ports::timer_kind::presence_grace:
      case ports::timer_kind::rematch:
        co_await matching.on_timer(std::move(key), due);
        break;
      default:
        co_await lifecycle.on_timer(std::move(key), due);
        break;
    }
  });

  auto live = co_await ctx.store.live_sessions();
  if (!live) co_return live.error();
  if (liveness) lifecycle.resuming(ctx.clock.now(), *liveness);
  for (const auto& s : *live) {
    auto engaged = co_await ctx.queue.engage(users_of(s.participant1_id, s.participant2_id));
    if (!engaged) co_return engaged.error();
    co_await lifecycle.track(s, true);
  }
  if (liveness) lifecycle.resumed(*liveness);
  auto pending = co_await ctx.store.pending_requests();
  if (!pending) co_return pending.error();
  const auto pending_count = pending->size();
  auto resumed = co_await matching.resume(std::move(*pending));
  if (!resumed) co_return resumed.error();
  if (!live->empty() || pending_count)
    log()->info("resumed {} live sessions and {} pending requests", live->size(), pending_count);
  auto leftovers = co_await audio.discard_leftovers();
  if (!leftovers) co_return leftovers.error();
  if (*leftovers)
    log()->info("removed {} recordings no session names (uploads cut short by a crash)",
                *leftovers);

  boost::asio::co_spawn(executor_, outbox.run(),
                        [this](std::exception_ptr) { outbox_done_ = true; });
  boost::asio::co_spawn(executor_, platform_events.run(),
                        [this](std::exception_ptr) { platform_events_done_ = true; });
  co_return result<void>{};
}

boost::asio::awaitable<void> conversation_service::stop() {
  ctx.scheduler.stop();
  outbox.stop();
  platform_events.stop();
  // The relay publishes what is left, bounded by the sink's own timeouts; wait for it, and
  // for the consumer to finish the event in hand (it stops retrying one when told to stop).
  boost::asio::steady_timer poll(executor_);
  for (int i = 0; i < 500 && !(outbox_done_ && platform_events_done_); ++i) {
    poll.expires_after(std::chrono::milliseconds(10));
    co_await poll.async_wait(boost::asio::use_awaitable);
  }
}

boost::asio::awaitable<void> conversation_service::on_connected(std::string user) {
  // Also when this connection replaced a live one: the client restarted (a page reload),
  // and the partner must know to expect a fresh handshake. The partner is told first (no
  // suspension before it), so a close and a reopen reach them in that order.
  co_await lifecycle.on_presence_changed(user, true);
  co_await matching.on_presence_changed(std::move(user), true);
}

boost::asio::awaitable<void> conversation_service::on_disconnected(std::string user) {
  co_await lifecycle.on_presence_changed(user, false);
  co_await matching.on_presence_changed(std::move(user), false);
}

}  // namespace conv::app
