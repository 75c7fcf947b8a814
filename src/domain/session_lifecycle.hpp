#pragma once
// The session state machine of the contract, as data. Nothing else in the service decides
// a transition: use cases feed it triggers and store what it returns.
#include "domain/session.hpp"

#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace conv::domain {

enum class session_trigger {
  both_connected,        // the second participant sent `peer-connected`
  waiting_timeout,       // CONV_WAITING_TIMEOUT_S passed while waiting
  ended_by_participant,  // POST /sessions/{id}/end
  heartbeat_timeout,     // a participant was silent for CONV_HEARTBEAT_TIMEOUT_S
  max_duration_reached,  // CONV_MAX_DURATION_S after start
  reported,              // POST /sessions/{id}/report
  user_removed,          // user.deleted / user.banned
};
inline constexpr std::array<session_trigger, 7> all_triggers{
    session_trigger::both_connected,       session_trigger::waiting_timeout,
    session_trigger::ended_by_participant, session_trigger::heartbeat_timeout,
    session_trigger::max_duration_reached, session_trigger::reported,
    session_trigger::user_removed};
std::string_view trigger_name(session_trigger t);

// Whether a row applies depends, for some triggers, on how long the call has lasted.
enum class duration_rule { any, at_least_minimum, below_minimum };

struct lifecycle_rule {
  session_status from;
  session_trigger trigger;
  duration_rule duration;
  session_status to;
  end_reason reason;
  std::array<std::string_view, 2> events;  // event types the transition emits, in order
};

// The contract's table, row for row.
std::span<const lifecycle_rule> lifecycle_table();

// The row that applies, if any; none means the trigger is refused in that state.
const lifecycle_rule* find_rule(session_status from, session_trigger trigger, bool long_enough);

struct lifecycle_timings {
  std::chrono::seconds min_completed{120};
  std::chrono::seconds max_duration{1800};  // no call ends later than this after its start
};

struct transition {
  conversation_session after;
  std::vector<std::string_view> events;
};

// Applies a trigger at `at` (the moment the call is taken to have ended or started: for a
// heartbeat timeout, the silent participant's last heartbeat). The result's version is one
// more than the input's, for the store's compare-and-set.
std::optional<transition> apply_trigger(const conversation_session& s, session_trigger trigger,
                                        timestamp at, const lifecycle_timings& timings);

}  // namespace conv::domain
