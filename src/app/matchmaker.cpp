#include "app/matchmaker.hpp"

#include "app/retry_backoff.hpp"
#include "app/server_messages.hpp"
#include "common/pair_of.hpp"
#include "observability/logging.hpp"

#include <algorithm>

namespace conv::app {
namespace {

using domain::matchmaking_request;
using domain::request_status;
using ports::join_verdict;
using ports::timer_key;
using ports::timer_kind;

const auto& log() {
  static const auto logger = observability::module_logger("matchmaker");
  return logger;
}

void log_failure(std::string_view what, const result<void>& r) {
  if (!r) log()->warn("{}: {}", what, r.error().message);
}

}  // namespace

ports::queued_request matchmaker::queued_from(const matchmaking_request& r) {
  return {r.id,
          r.user_id,
          r.target_language_code,
          r.user_level,
          to_unix_ms(r.created_at),
          r.learning_profile_id,
          r.preferred_topic_id,
          r.preferred_duration,
          to_unix_ms(r.expires_at),
          r.version};
}

// The pending request a queue entry stands for, as it is stored.
matchmaking_request matchmaker::pending_from(ports::queued_request q) {
  return {.id = std::move(q.request_id),
          .user_id = std::move(q.user_id),
          .learning_profile_id = std::move(q.learning_profile_id),
          .target_language_code = std::move(q.language),
          .user_level = q.level,
          .preferred_topic_id = std::move(q.preferred_topic_id),
          .preferred_duration = q.preferred_duration,
          .status = request_status::pending,
          .created_at = from_unix_ms(q.enqueued_at_ms),
          .expires_at = from_unix_ms(q.expires_at_ms),
          .version = q.version};
}

ports::task<join_outcome> matchmaker::join(std::string user, domain::join_wish wish) {
  const auto now = ctx_.clock.now();
  matchmaking_request request{.id = ctx_.ids.new_id(),
                              .user_id = user,
                              .learning_profile_id = std::move(wish.learning_profile_id),
                              .target_language_code = std::move(wish.target_language_code),
                              .user_level = wish.user_level,
                              .preferred_topic_id = std::move(wish.preferred_topic_id),
                              .preferred_duration = wish.preferred_duration,
                              .status = request_status::pending,
                              .created_at = now,
                              .expires_at = now + ctx_.times.match_timeout,
                              .version = 1};
  const auto queued = queued_from(request);

  auto first = co_await ctx_.queue.take_partner_or_reserve(queued);
  if (!first) co_return first.error();
  switch (first->verdict) {
    case join_verdict::already_queued:
      co_return make_error(errc::already_in_queue, "you are already waiting for a partner");
    case join_verdict::already_engaged:
      co_return make_error(errc::already_in_session, "you are already in a conversation");
    case join_verdict::matched:
      co_return co_await complete_match(std::move(request), false, std::move(*first->partner));
    default:
      break;
  }

  // Reserved: store the request before anyone can be matched with it.
  ports::change_set changes;
  changes.requests.push_back(request);
  changes.events.push_back(
      ctx_.make_event("matchmaking.requested", user, domain::request_event_data(request)));
  auto stored = co_await ctx_.store.commit(std::move(changes));
  if (!stored) {
    log_failure("unreserve", co_await ctx_.queue.unreserve(user));
    co_return stored.error();
  }
  ctx_.events_committed();
  totals_.requests.fetch_add(1, std::memory_order_relaxed);

  auto second = co_await ctx_.queue.take_partner_or_publish(queued);
  if (!second) co_return second.error();
  if (second->verdict == join_verdict::matched) {
    auto matched = co_await complete_match(request, true, std::move(*second->partner));
    if (matched) co_return matched;
    // The match could not be stored and both requests are back in line, stored: this one
    // is pending, and waits and expires like any other. Nobody else would match the two
    // while no one joins their queue: this request tries again itself.
    log_failure("match", result<void>(matched.error()));
    co_await schedule_rematch(request);
  }
  co_await schedule_request_timers(request, now);
  co_return join_outcome{std::move(request), std::nullopt};
}

boost::asio::awaitable<void> matchmaker::schedule_rematch(const matchmaking_request& r) {
  log_failure("schedule rematch",
              co_await ctx_.scheduler.schedule({timer_kind::rematch, r.id, r.user_id},
                                               ctx_.clock.now() + retry_backoff::first_delay));
}

boost::asio::awaitable<void> matchmaker::schedule_request_timers(const matchmaking_request& r,
                                                                 timestamp now) {
  log_failure("schedule expiry", co_await ctx_.scheduler.schedule(
                                     {timer_kind::request_expiry, r.id, r.user_id}, r.expires_at));
  if (!ctx_.hub.is_online(r.user_id))
    log_failure("schedule presence grace",
                co_await ctx_.scheduler.schedule({timer_kind::presence_grace, r.user_id},
                                                 now + ctx_.times.presence_grace));
}

ports::task<join_outcome> matchmaker::complete_match(matchmaking_request joiner, bool joiner_stored,
                                                     ports::queued_request partner) {
  const auto now = ctx_.clock.now();
  // Both go back in line as they are stored (the joiner's copy below is changed for the
  // match), before they are free to join again.
  const auto joiner_queued = queued_from(joiner);
  auto undo = [&]() -> boost::asio::awaitable<void> {
    log_failure("restore partner", co_await ctx_.queue.restore(partner));
    if (joiner_stored) log_failure("restore joiner", co_await ctx_.queue.restore(joiner_queued));
    log_failure("release", co_await ctx_.queue.release(users_of(joiner.user_id, partner.user_id)));
  };

  // The queue entry is the stored pending request; if the store has moved on, the commit's
  // version check refuses the match and undo() puts everyone back.
  auto waiting = pending_from(partner);

  domain::conversation_session session;
  session.id = ctx_.ids.new_id();
  const auto topic = ctx_.topics.choose_for_session(
      waiting.preferred_topic_id, joiner.preferred_topic_id, joiner.target_language_code,
      domain::lower_of(waiting.user_level, joiner.user_level));
  if (topic) session.topic_id = topic->id;
  session.target_language_code = joiner.target_language_code;
  session.participant1_id = waiting.user_id;  // the one who waited starts the call
  session.participant2_id = joiner.user_id;
  session.participant1_level = waiting.user_level;
  session.participant2_level = joiner.user_level;
  session.status = domain::session_status::waiting;
  session.scheduled_at = now;
  session.created_at = now;
  session.version = 1;

  ports::change_set changes;
  if (!joiner_stored)
    changes.events.push_back(ctx_.make_event("matchmaking.requested", joiner.user_id,
                                             domain::request_event_data(joiner)));
  for (auto* r : pair_of(&waiting, &joiner)) {
    r->status = request_status::matched;
    r->matched_with_user_id = r == &waiting ? joiner.user_id : waiting.user_id;
    r->session_id = session.id;
    if (r == &waiting || joiner_stored) ++r->version;
    changes.requests.push_back(*r);
  }
  changes.sessions.push_back(session);
  changes.events.push_back(
      ctx_.make_event("matchmaking.matched", waiting.user_id, domain::request_event_data(waiting)));
  changes.events.push_back(
      ctx_.make_event("matchmaking.matched", joiner.user_id, domain::request_event_data(joiner)));
  changes.events.push_back(ctx_.make_event("session.created", session.id,
                                           domain::session_event_data(session, "session.created")));
  auto committed = co_await ctx_.store.commit(std::move(changes));
  if (!committed) {
    co_await undo();
    co_return committed.error();
  }
  ctx_.events_committed();
  if (!joiner_stored) totals_.requests.fetch_add(1, std::memory_order_relaxed);
  totals_.matches.fetch_add(1, std::memory_order_relaxed);
  log()->info("session {} created for {} and {} ({}, {} and {})", session.id, waiting.user_id,
              joiner.user_id, joiner.target_language_code, domain::level_name(waiting.user_level),
              domain::level_name(joiner.user_level));

  co_await cancel_request_timers(waiting.id, waiting.user_id);
  co_await lifecycle_.track(session, false);
  for (const auto* user : pair_of(&session.participant1_id, &session.participant2_id))
    ctx_.hub.send(*user,
                  messages::match_found(session, *user, topic, ctx_.ice.for_user(*user, now),
                                        ctx_.times.heartbeat_interval),
                  now);
  co_return join_outcome{std::move(joiner), std::move(session)};
}

ports::task<matchmaking_request> matchmaker::leave(std::string user) {
  auto removed = co_await ctx_.queue.remove_user(user);
  if (!removed) co_return removed.error();
  if (!*removed) co_return make_error(errc::not_in_queue, "you are not waiting for a partner");
  co_return co_await finish_request(std::move(**removed), request_status::cancelled,
                                    "matchmaking.cancelled", "left");
}

ports::task<matchmaking_request> matchmaker::status(std::string user) {
  auto latest = co_await ctx_.store.latest_request_of(user);
  if (!latest) co_return latest.error();
  if (!*latest) co_return make_error(errc::not_found, "you have not asked for a partner yet");
  co_return std::move(**latest);
}

ports::task<matchmaking_request> matchmaker::finish_request(ports::queued_request queued,
                                                            request_status status,
                                                            std::string_view event_type,
                                                            std::string_view reason) {
  auto request = pending_from(queued);
  request.status = status;
  ++request.version;
  ports::change_set changes;
  changes.requests.push_back(request);
  changes.events.push_back(
      ctx_.make_event(event_type, request.user_id, domain::request_event_data(request, reason)));
  auto committed = co_await ctx_.store.commit(std::move(changes));
  if (!committed) {
    // Nothing changed: the request goes back in line and its owner may try again.
    log_failure("restore", co_await ctx_.queue.restore(std::move(queued)));
    co_return committed.error();
  }
  ctx_.events_committed();
  (status == request_status::expired ? totals_.expired : totals_.cancelled)
      .fetch_add(1, std::memory_order_relaxed);
  co_await cancel_request_timers(request.id, request.user_id);
  co_return request;
}

boost::asio::awaitable<void> matchmaker::cancel_request_timers(const std::string& request_id,
                                                               const std::string& user) {
  log_failure("cancel expiry",
              co_await ctx_.scheduler.cancel({timer_kind::request_expiry, request_id, user}));
  log_failure("cancel presence grace",
              co_await ctx_.scheduler.cancel({timer_kind::presence_grace, user}));
}

boost::asio::awaitable<void> matchmaker::on_timer(timer_key key, timestamp) {
  // The timer is gone once fired: while the store is down, try again here.
  retry_backoff backoff;
  while (!co_await run_request_timer(key))
    co_await backoff.wait();
}

boost::asio::awaitable<bool> matchmaker::run_request_timer(const timer_key& key) {
  // Plain ifs around each co_await: GCC 12 miscompiles co_await inside a conditional
  // expression.
  if (key.kind == timer_kind::rematch)
    co_return co_await rematch(key.user, key.id) != rematch_outcome::store_down;
  const bool expiry = key.kind == timer_kind::request_expiry;
  if (!expiry && key.kind != timer_kind::presence_grace) co_return true;
  if (!expiry && ctx_.hub.is_online(key.id)) co_return true;
  result<std::optional<ports::queued_request>> removed = std::optional<ports::queued_request>();
  if (expiry)
    removed = co_await ctx_.queue.remove(key.user, key.id);
  else
    removed = co_await ctx_.queue.remove_user(key.id);
  if (!removed) co_return removed.error().code != errc::service_unavailable;
  if (!*removed) co_return true;  // matched, left or cancelled first
  auto queued = std::move(**removed);
  result<matchmaking_request> finished = make_error(errc::internal, "not run");
  if (expiry)
    finished = co_await finish_request(std::move(queued), request_status::expired,
                                       "matchmaking.expired", "");
  else
    finished = co_await finish_request(std::move(queued), request_status::cancelled,
                                       "matchmaking.cancelled", "presence_lost");
  if (!finished) {
    log()->warn("{} of request {}: {}", expiry ? "expiry" : "presence grace", key.encode(),
                finished.error().message);
    // Only a store that is down may be up at the next attempt.
    co_return finished.error().code != errc::service_unavailable;
  }
  if (expiry)
    ctx_.hub.send(finished->user_id, messages::match_timeout(*finished), ctx_.clock.now());
  co_return true;
}

boost::asio::awaitable<void> matchmaker::on_presence_changed(std::string user, bool online) {
  const timer_key key{timer_kind::presence_grace, user};
  if (online) {
    log_failure("cancel presence grace", co_await ctx_.scheduler.cancel(key));
    co_return;
  }
  // Only for a user with a request in line: a timer per disconnect would hold memory for
  // every user who left in the last grace period. A join still in flight arms it itself,
  // finding its user offline (schedule_request_timers).
  auto queued = co_await ctx_.queue.has_queued(user);
  if (queued && !*queued) co_return;
  log_failure("schedule presence grace",
              co_await ctx_.scheduler.schedule(key, ctx_.clock.now() + ctx_.times.presence_grace));
}

ports::task<bool> matchmaker::remove_user(std::string user, timestamp removed_at) {
  auto removed = co_await ctx_.queue.remove_user(user);
  if (!removed) co_return removed.error();
  if (!*removed) co_return false;
  if ((*removed)->enqueued_at_ms > to_unix_ms(removed_at)) {
    // Made after the removal (the account was restored since; this is an old event
    // delivered again): it stays.
    auto restored = co_await ctx_.queue.restore(std::move(**removed));
    if (!restored) co_return restored.error();
    co_return false;
  }
  auto r = co_await finish_request(std::move(**removed), request_status::cancelled,
                                   "matchmaking.cancelled", "user_removed");
  if (!r) co_return r.error();
  co_return true;
}

ports::task<void> matchmaker::resume(std::vector<matchmaking_request> pending) {
  const auto now = ctx_.clock.now();
  // Requests that expired while the service was down go back in line only after the others
  // are matched: nobody is matched with a request past its deadline. Their expiry fires at
  // once.
  const auto expired = std::stable_partition(pending.begin(), pending.end(),
                                             [now](const auto& r) { return r.expires_at > now; });
  for (auto r = pending.begin(); r != expired; ++r) {
    auto restored = co_await ctx_.queue.restore(queued_from(*r));
    if (!restored) co_return restored.error();
  }
  // Two requests that suit each other are both pending only when the previous run stopped
  // between storing one and matching it, or could not store their match: they are matched
  // now, as the later one's join would have matched them. Newest first, so that the one
  // who waited longer is the partner, and the initiator.
  std::sort(pending.begin(), expired,
            [](const auto& a, const auto& b) { return a.created_at > b.created_at; });
  for (auto r = pending.begin(); r != pending.end(); ++r) {
    if (r < expired) {
      const auto outcome = co_await rematch(r->user_id, r->id, true);
      if (outcome == rematch_outcome::no_longer_waiting) continue;
      if (outcome == rematch_outcome::store_down) co_await schedule_rematch(*r);
    } else {
      auto restored = co_await ctx_.queue.restore(queued_from(*r));
      if (!restored) co_return restored.error();
    }
    log_failure("schedule expiry",
                co_await ctx_.scheduler.schedule({timer_kind::request_expiry, r->id, r->user_id},
                                                 r->expires_at));
    log_failure("schedule presence grace",
                co_await ctx_.scheduler.schedule({timer_kind::presence_grace, r->user_id},
                                                 now + ctx_.times.presence_grace));
  }
  co_return result<void>{};
}

boost::asio::awaitable<matchmaker::rematch_outcome> matchmaker::rematch(std::string user,
                                                                        std::string request_id,
                                                                        bool at_start) {
  auto removed = co_await ctx_.queue.remove(user, request_id);
  if (!removed) {
    log_failure("rematch", result<void>(removed.error()));
    co_return removed.error().code == errc::service_unavailable ? rematch_outcome::store_down
                                                                : rematch_outcome::waiting;
  }
  if (!*removed) co_return rematch_outcome::no_longer_waiting;
  auto entry = std::move(**removed);
  auto decision = co_await ctx_.queue.take_partner_or_reserve(entry);
  if (decision && decision->verdict == join_verdict::reserved)
    decision = co_await ctx_.queue.take_partner_or_publish(entry);
  if (decision && decision->verdict == join_verdict::matched) {
    auto matched =
        co_await complete_match(pending_from(entry), true, std::move(*decision->partner));
    if (matched) {
      // Both participants are offline at start, like those of a session resumed waiting.
      // Later, this request's own wait is over too (at start its timers are not set yet).
      if (at_start)
        lifecycle_.repeat_match_found_on_connect(matched->session->id);
      else
        co_await cancel_request_timers(entry.request_id, entry.user_id);
      co_return rematch_outcome::no_longer_waiting;
    }
    log_failure("rematch", result<void>(matched.error()));  // both are back in line
    co_return matched.error().code == errc::service_unavailable ? rematch_outcome::store_down
                                                                : rematch_outcome::waiting;
  }
  if (!decision || decision->verdict != join_verdict::queued)
    log_failure("restore", co_await ctx_.queue.restore(std::move(entry)));
  co_return rematch_outcome::waiting;
}

}  // namespace conv::app
