#include "app/session_lifecycle.hpp"

#include "app/retry_backoff.hpp"
#include "app/server_messages.hpp"
#include "common/pair_of.hpp"
#include "domain/validation.hpp"
#include "observability/logging.hpp"

#include <algorithm>

namespace conv::app {
namespace {

using domain::conversation_session;
using domain::session_status;
using domain::session_trigger;
using ports::timer_key;
using ports::timer_kind;

bool has_reported(const conversation_session& s, const std::string& user) {
  return user == s.participant1_id ? s.participant1_reported : s.participant2_reported;
}

void mark_reported(conversation_session& s, const std::string& user) {
  (user == s.participant1_id ? s.participant1_reported : s.participant2_reported) = true;
}

const auto& log() {
  static const auto logger = observability::module_logger("lifecycle");
  return logger;
}

error session_not_found() {
  return make_error(errc::session_not_found, "no such session");
}

// How often a lost compare-and-set is retried before giving up: each retry re-reads the
// session, so only a storm of racing writers on one session could exhaust it.
constexpr int max_attempts = 8;

void log_failure(std::string_view what, const result<void>& r) {
  if (!r) log()->warn("{}: {}", what, r.error().message);
}

// Every timer a session may have.
std::vector<timer_key> session_timers(const conversation_session& s) {
  return {timer_key{timer_kind::connect_timeout, s.id}, timer_key{timer_kind::max_duration, s.id},
          timer_key{timer_kind::heartbeat_timeout, s.id, s.participant1_id},
          timer_key{timer_kind::heartbeat_timeout, s.id, s.participant2_id}};
}

// session.reported's payload: the session's, who reported whom, and what they said.
std::string reported_event_data(const conversation_session& s, const std::string& reporter,
                                const user_report& report) {
  json_object_text data;
  domain::write_session_event_fields(data, s, "session.reported");
  data.field("reportedUserId", s.partner_of(reporter))
      .field("reportedBy", reporter)
      .field("reason", report.reason)
      .field("details", report.details);
  return data.finish();
}

}  // namespace

ports::task<conversation_session> session_lifecycle::find_for(std::string user,
                                                              std::string session_id,
                                                              bool is_admin) {
  if (!domain::is_safe_id(session_id)) co_return session_not_found();
  auto found = co_await ctx_.store.find_session(session_id);
  if (!found) co_return found.error();
  if (!*found || (!is_admin && !(*found)->has_participant(user))) co_return session_not_found();
  co_return std::move(**found);
}

ports::task<conversation_session> session_lifecycle::end_by(std::string user,
                                                            std::string session_id) {
  co_return co_await transition(std::move(session_id), session_trigger::ended_by_participant,
                                ctx_.clock.now(), std::move(user));
}

ports::task<conversation_session> session_lifecycle::report(std::string user,
                                                            std::string session_id,
                                                            std::string reason,
                                                            std::optional<std::string> details) {
  const user_report report{std::move(reason), std::move(details)};
  auto ended =
      co_await transition(session_id, session_trigger::reported, ctx_.clock.now(), user, report);
  if (ended || ended.error().code != errc::invalid_state) co_return ended;

  // A call that already ended can still be reported: moderation hears of it, the outcome
  // stays as it was. Once per participant: each report is an event kept for good.
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    auto s = co_await find_for(user, session_id, false);
    if (!s) co_return s.error();
    if (has_reported(*s, user))
      co_return make_error(errc::invalid_state, "you have already reported this session");
    ports::change_set changes;
    changes.events.push_back(
        ctx_.make_event("session.reported", s->id, reported_event_data(*s, user, report)));
    mark_reported(*s, user);
    ++s->version;
    changes.sessions.push_back(*s);
    auto committed = co_await ctx_.store.commit(std::move(changes));
    if (!committed) {
      if (committed.error().code == errc::invalid_state) continue;  // changed meanwhile
      co_return committed.error();
    }
    ctx_.events_committed();
    co_return std::move(*s);
  }
  co_return make_error(errc::service_unavailable, "the session is changing too fast; try again");
}

ports::task<conversation_session> session_lifecycle::transition(
    std::string session_id, session_trigger trigger, timestamp at,
    std::optional<std::string> participant, std::optional<user_report> report) {
  if (!domain::is_safe_id(session_id)) co_return session_not_found();
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    auto found = co_await ctx_.store.find_session(session_id);
    if (!found) co_return found.error();
    if (!*found || (participant && !(*found)->has_participant(*participant)))
      co_return session_not_found();
    const auto& before = **found;
    auto t = domain::apply_trigger(before, trigger, at,
                                   {ctx_.times.min_completed, ctx_.times.max_duration});
    if (!t)
      co_return make_error(errc::invalid_state,
                           fmt::format("the session is {}", domain::status_name(before.status)));

    if (report) mark_reported(t->after, *participant);
    ports::change_set changes;
    changes.sessions.push_back(t->after);
    for (auto type : t->events) {
      auto data = type == "session.reported" && report
                      ? reported_event_data(t->after, *participant, *report)
                      : domain::session_event_data(t->after, type);
      changes.events.push_back(ctx_.make_event(type, t->after.id, std::move(data)));
    }
    auto committed = co_await ctx_.store.commit(std::move(changes));
    if (!committed) {
      if (committed.error().code == errc::invalid_state) continue;  // lost a race: look again
      co_return committed.error();
    }
    ctx_.events_committed();
    committed_transition(before, t->after, trigger);
    co_await after_transition(before, t->after);
    co_return std::move(t->after);
  }
  co_return make_error(errc::service_unavailable, "the session is changing too fast; try again");
}

void session_lifecycle::committed_transition(const conversation_session& before,
                                             const conversation_session& after,
                                             session_trigger trigger) {
  if (after.status == session_status::active) {
    totals_.started.fetch_add(1, std::memory_order_relaxed);
    log()->info("session {} of {} and {}: waiting -> active", after.id, after.participant1_id,
                after.participant2_id);
    return;
  }
  (after.status == session_status::completed ? totals_.completed : totals_.cancelled)
      .fetch_add(1, std::memory_order_relaxed);
  log()->info("session {} of {} and {}: {} -> {} ({}), endReason {}, {} s", after.id,
              after.participant1_id, after.participant2_id, domain::status_name(before.status),
              domain::status_name(after.status), domain::trigger_name(trigger),
              domain::end_reason_name(after.reason), after.actual_duration_seconds);
}

boost::asio::awaitable<void> session_lifecycle::after_transition(
    const conversation_session& before, const conversation_session& after) {
  // A later transition's aftermath ran first (this one's I/O thread was busy): it told the
  // participants and set the timers; this one is history.
  if (!ctx_.sessions.update(after)) co_return;
  const auto now = ctx_.clock.now();
  if (after.status == session_status::active && before.status != session_status::active) {
    auto started = messages::session_started(after);
    ctx_.hub.send(after.participant1_id, started, now);
    ctx_.hub.send(after.participant2_id, started, now);
    log_failure("cancel connect timer",
                co_await ctx_.scheduler.cancel({timer_kind::connect_timeout, after.id}));
    log_failure("schedule max duration",
                co_await ctx_.scheduler.schedule({timer_kind::max_duration, after.id},
                                                 *after.started_at + ctx_.times.max_duration));
    for (const auto* user : pair_of(&after.participant1_id, &after.participant2_id))
      log_failure("schedule heartbeat timeout",
                  co_await ctx_.scheduler.schedule({timer_kind::heartbeat_timeout, after.id, *user},
                                                   now + ctx_.times.heartbeat_timeout));
    co_return;
  }
  if (domain::is_live(after.status)) co_return;
  resumed_.ended(after.id);
  first_connections_.forget(after.id);
  auto ended = messages::session_ended(after);
  ctx_.hub.send(after.participant1_id, ended, now);
  ctx_.hub.send(after.participant2_id, ended, now);
  co_await cancel_session_timers(after);
  log_failure("release participants",
              co_await ctx_.queue.release(users_of(after.participant1_id, after.participant2_id)));
}

boost::asio::awaitable<void> session_lifecycle::cancel_session_timers(
    const conversation_session& s) {
  for (auto& key : session_timers(s))
    log_failure("cancel timer", co_await ctx_.scheduler.cancel(key));
}

ports::task<live_session_ptr> session_lifecycle::live_session(const std::string& session_id) {
  if (auto cached = ctx_.sessions.find(session_id)) co_return cached;
  if (!domain::is_safe_id(session_id)) co_return live_session_ptr{};
  auto found = co_await ctx_.store.find_session(session_id);
  if (!found) co_return found.error();
  if (!*found || !domain::is_live((*found)->status)) co_return live_session_ptr{};
  ctx_.sessions.update(**found);
  co_return ctx_.sessions.find(session_id);
}

ports::task<void> session_lifecycle::on_peer_connected(std::string user, std::string session_id) {
  for (int attempt = 0; attempt < max_attempts; ++attempt) {
    auto found = co_await ctx_.store.find_session(session_id);
    if (!found) co_return found.error();
    if (!*found || !(*found)->has_participant(user) || !domain::is_live((*found)->status))
      co_return session_not_found();
    const auto& before = **found;
    if (before.status == session_status::active) co_return result<void>{};  // a reconnect

    auto flagged = before;
    (user == before.participant1_id ? flagged.participant1_connected
                                    : flagged.participant2_connected) = true;
    if (flagged.participant1_connected == before.participant1_connected &&
        flagged.participant2_connected == before.participant2_connected)
      co_return result<void>{};  // said twice
    ports::change_set changes;
    std::optional<domain::transition> t;
    if (flagged.participant1_connected && flagged.participant2_connected) {
      t = domain::apply_trigger(flagged, session_trigger::both_connected, ctx_.clock.now(),
                                {ctx_.times.min_completed, ctx_.times.max_duration});
      changes.sessions.push_back(t->after);
      for (auto type : t->events)
        changes.events.push_back(
            ctx_.make_event(type, before.id, domain::session_event_data(t->after, type)));
    } else {
      flagged.version = before.version + 1;
      changes.sessions.push_back(flagged);
    }
    auto committed = co_await ctx_.store.commit(std::move(changes));
    if (!committed) {
      if (committed.error().code == errc::invalid_state) continue;
      co_return committed.error();
    }
    if (t) {
      ctx_.events_committed();
      committed_transition(before, t->after, session_trigger::both_connected);
      co_await after_transition(before, t->after);
    }
    co_return result<void>{};
  }
  co_return make_error(errc::service_unavailable, "the session is changing too fast; try again");
}

ports::task<std::string> session_lifecycle::on_heartbeat(std::string user,
                                                         std::optional<std::string> session_id) {
  live_session_ptr live;
  if (session_id) {
    auto found = co_await live_session(*session_id);
    if (!found) co_return found.error();
    live = *found;
    if (!live || !live->has(user)) co_return session_not_found();
  } else {
    live = ctx_.sessions.of_user(user);
    if (!live) co_return std::string();
  }
  if (live->status == session_status::active) {
    resumed_.heard(live->id, user);
    auto scheduled =
        co_await ctx_.scheduler.schedule({timer_kind::heartbeat_timeout, live->id, user},
                                         ctx_.clock.now() + ctx_.times.heartbeat_timeout);
    if (!scheduled) co_return scheduled.error();
  }
  co_return live->id;
}

boost::asio::awaitable<void> session_lifecycle::on_presence_changed(std::string user, bool online) {
  auto live = ctx_.sessions.of_user(user);
  if (!live) co_return;
  if (!online || !first_connections_.arrived(live->id, user))
    ctx_.hub.send(live->partner_of(user), messages::peer_status(live->id, user, online),
                  ctx_.clock.now());
  if (online && live->status == session_status::waiting && resumed_.repeats_match_found(live->id))
    co_await send_match_found_again(std::move(user), live->id);
}

boost::asio::awaitable<void> session_lifecycle::send_match_found_again(std::string user,
                                                                       std::string session_id) {
  auto found = co_await ctx_.store.find_session(session_id);
  if (!found || !*found || (*found)->status != session_status::waiting) co_return;
  const auto& s = **found;
  std::optional<domain::topic> topic;
  if (s.topic_id)
    if (auto t = co_await ctx_.topics.get(*s.topic_id)) topic = std::move(*t);
  const auto now = ctx_.clock.now();
  ctx_.hub.send(user,
                messages::match_found(s, user, topic, ctx_.ice.for_user(user, now),
                                      ctx_.times.heartbeat_interval),
                now);
}

boost::asio::awaitable<void> session_lifecycle::on_timer(timer_key key, timestamp due) {
  std::optional<session_trigger> trigger;
  timestamp at = due;
  switch (key.kind) {
    case timer_kind::connect_timeout:
      trigger = session_trigger::waiting_timeout;
      break;
    case timer_kind::max_duration:
      // After a restart this timer may have been put off past the participants' chance to
      // reconnect (track()); the call still ends at its limit (domain::apply_trigger).
      trigger = session_trigger::max_duration_reached;
      break;
    case timer_kind::heartbeat_timeout:
      trigger = session_trigger::heartbeat_timeout;
      at = due - ctx_.times.heartbeat_timeout;  // the call ended with the last heartbeat
      // Nothing heard since the restart, whose timers counted from the restart: the last
      // heartbeat came before the previous run stopped (or before the run it resumed from
      // stopped, if that run heard nothing either). Downtime is not call time.
      if (auto restart = resumed_.restarted_at(); restart && at <= *restart)
        at = std::min(at, resumed_.silent_since(key.id));
      break;
    default:
      co_return;
  }
  // A fired timer is gone: while the store is down, try again here (at the same `at`), or a
  // waiting session would wait for good and a dropped call run on to its maximum.
  retry_backoff backoff;
  for (;;) {
    auto r = co_await transition(key.id, *trigger, at, std::nullopt);
    // A timer that lost to another transition finds nothing to do: that is the point of CAS.
    if (r || r.error().code == errc::invalid_state || r.error().code == errc::session_not_found)
      co_return;
    if (r.error().code != errc::service_unavailable) {
      log()->warn("timer {} failed: {}", key.encode(), r.error().message);
      co_return;
    }
    log()->warn("timer {} failed, trying again: {}", key.encode(), r.error().message);
    co_await backoff.wait();
  }
}

ports::task<bool> session_lifecycle::remove_user(std::string user, timestamp removed_at) {
  auto live = co_await ctx_.store.live_session_of(user);
  if (!live) co_return live.error();
  // One made after the removal belongs to an account restored since.
  if (!*live || (*live)->created_at > removed_at) co_return false;
  auto r = co_await transition((*live)->id, session_trigger::user_removed, ctx_.clock.now(),
                               std::nullopt);
  if (!r) {
    if (r.error().code == errc::invalid_state) co_return false;  // it ended meanwhile
    co_return r.error();
  }
  co_return true;
}

boost::asio::awaitable<void> session_lifecycle::track(const conversation_session& s, bool resumed) {
  if (!ctx_.sessions.update(s)) co_return;  // it has moved on already
  if (s.status == session_status::waiting) {
    if (resumed)
      resumed_.repeat_match_found_on_connect(s.id);
    else
      for (const auto* user : pair_of(&s.participant1_id, &s.participant2_id))
        if (!ctx_.hub.is_online(*user)) first_connections_.expect(s.id, *user);
    log_failure("schedule connect timeout",
                co_await ctx_.scheduler.schedule({timer_kind::connect_timeout, s.id},
                                                 s.created_at + ctx_.times.waiting_timeout));
  } else if (s.status == session_status::active && resumed) {
    // After a restart, participants get a full heartbeat timeout to reconnect. A limit that
    // passed while the service was down, or passes before they could, waits for that
    // verdict (and a heartbeat interval more, so the heartbeat timeouts have been handled):
    // if nobody came back, a heartbeat timeout has ended the call as dropped at the previous
    // run's last sign of life; if the call went on, this timer ends it at its limit.
    const auto restarted = resumed_.restarted_at().value_or(ctx_.clock.now());
    const auto verdict = restarted + ctx_.times.heartbeat_timeout + ctx_.times.heartbeat_interval;
    log_failure("schedule max duration",
                co_await ctx_.scheduler.schedule(
                    {timer_kind::max_duration, s.id},
                    std::max(*s.started_at + ctx_.times.max_duration, verdict)));
    resumed_.resume_call(s.id, s.participant1_id, s.participant2_id);
    for (const auto* user : pair_of(&s.participant1_id, &s.participant2_id))
      log_failure("schedule heartbeat timeout",
                  co_await ctx_.scheduler.schedule({timer_kind::heartbeat_timeout, s.id, *user},
                                                   restarted + ctx_.times.heartbeat_timeout));
  }
}

}  // namespace conv::app
