#include "domain/session_lifecycle.hpp"

#include <algorithm>

namespace conv::domain {
namespace {

using enum session_status;
using enum session_trigger;
using enum duration_rule;

constexpr std::string_view started = "session.started";
constexpr std::string_view completed_ev = "session.completed";
constexpr std::string_view cancelled_ev = "session.cancelled";
constexpr std::string_view reported_ev = "session.reported";

constexpr std::array<lifecycle_rule, 12> table{{
    {waiting, both_connected, any, active, end_reason::none, {started, {}}},
    {waiting, waiting_timeout, any, cancelled, end_reason::connect_timeout, {cancelled_ev, {}}},
    {waiting,
     ended_by_participant,
     any,
     cancelled,
     end_reason::cancelled_by_user,
     {cancelled_ev, {}}},
    {active,
     ended_by_participant,
     at_least_minimum,
     completed,
     end_reason::completed,
     {completed_ev, {}}},
    {active,
     ended_by_participant,
     below_minimum,
     cancelled,
     end_reason::too_short,
     {cancelled_ev, {}}},
    {active,
     heartbeat_timeout,
     at_least_minimum,
     completed,
     end_reason::dropped,
     {completed_ev, {}}},
    {active, heartbeat_timeout, below_minimum, cancelled, end_reason::dropped, {cancelled_ev, {}}},
    {active, max_duration_reached, any, completed, end_reason::max_duration, {completed_ev, {}}},
    {waiting, reported, any, cancelled, end_reason::reported, {reported_ev, cancelled_ev}},
    {active, reported, any, cancelled, end_reason::reported, {reported_ev, cancelled_ev}},
    {waiting, user_removed, any, cancelled, end_reason::user_removed, {cancelled_ev, {}}},
    {active, user_removed, any, cancelled, end_reason::user_removed, {cancelled_ev, {}}},
}};

bool duration_matches(duration_rule rule, bool long_enough) {
  switch (rule) {
    case any:
      return true;
    case at_least_minimum:
      return long_enough;
    case below_minimum:
      return !long_enough;
  }
  return false;
}

}  // namespace

std::string_view trigger_name(session_trigger t) {
  switch (t) {
    case both_connected:
      return "both_connected";
    case waiting_timeout:
      return "waiting_timeout";
    case ended_by_participant:
      return "ended_by_participant";
    case heartbeat_timeout:
      return "heartbeat_timeout";
    case max_duration_reached:
      return "max_duration_reached";
    case session_trigger::reported:
      return "reported";
    case session_trigger::user_removed:
      return "user_removed";
  }
  return "unknown";
}

std::span<const lifecycle_rule> lifecycle_table() {
  return table;
}

const lifecycle_rule* find_rule(session_status from, session_trigger trigger, bool long_enough) {
  for (const auto& row : table)
    if (row.from == from && row.trigger == trigger && duration_matches(row.duration, long_enough))
      return &row;
  return nullptr;
}

std::optional<transition> apply_trigger(const conversation_session& s, session_trigger trigger,
                                        timestamp at, const lifecycle_timings& timings) {
  using namespace std::chrono;
  // However late the end is noticed (a timer put off by restarts, an end whose last sign of
  // life is the mark of a run before), a call lasts at most its maximum.
  if (s.started_at && trigger != session_trigger::both_connected)
    at = std::min(at, *s.started_at + timings.max_duration);
  const auto lasted =
      s.started_at && at > *s.started_at ? duration_cast<seconds>(at - *s.started_at) : 0s;
  const auto* row = find_rule(s.status, trigger, lasted >= timings.min_completed);
  if (!row) return std::nullopt;

  transition t{s, {}};
  auto& after = t.after;
  after.status = row->to;
  after.version = s.version + 1;
  if (row->to == active) {
    after.started_at = at;
  } else {
    after.reason = row->reason;
    // A call never ends before it started (a resumed call that started after the previous
    // run's last sign of life ends at that mark: see app::session_lifecycle).
    after.ended_at = s.started_at ? std::max(at, *s.started_at) : at;
    after.actual_duration_seconds = s.started_at ? int(lasted.count()) : 0;
  }
  for (auto ev : row->events)
    if (!ev.empty()) t.events.push_back(ev);
  return t;
}

}  // namespace conv::domain
