// The contract's lifecycle table, walked exhaustively: every state × trigger × duration.
#include "domain/session_lifecycle.hpp"

#include <gtest/gtest.h>

#include <map>
#include <tuple>

namespace conv::domain {
namespace {

using enum session_status;
using enum session_trigger;

struct expected {
  session_status to;
  end_reason reason;
};

// Written from the contract's table, independently of the implementation's table.
std::optional<expected> contract(session_status from, session_trigger t, bool long_enough) {
  if (from == waiting) {
    switch (t) {
      case both_connected:
        return expected{active, end_reason::none};
      case waiting_timeout:
        return expected{cancelled, end_reason::connect_timeout};
      case ended_by_participant:
        return expected{cancelled, end_reason::cancelled_by_user};
      case reported:
        return expected{cancelled, end_reason::reported};
      case user_removed:
        return expected{cancelled, end_reason::user_removed};
      default:
        return std::nullopt;
    }
  }
  if (from == active) {
    switch (t) {
      case ended_by_participant:
        return long_enough ? expected{completed, end_reason::completed}
                           : expected{cancelled, end_reason::too_short};
      case heartbeat_timeout:
        return expected{long_enough ? completed : cancelled, end_reason::dropped};
      case max_duration_reached:
        return expected{completed, end_reason::max_duration};
      case reported:
        return expected{cancelled, end_reason::reported};
      case user_removed:
        return expected{cancelled, end_reason::user_removed};
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;  // completed and cancelled are final
}

timestamp at(int seconds) {
  return timestamp{std::chrono::seconds(1'800'000'000 + seconds)};
}

conversation_session session_in(session_status status) {
  conversation_session s;
  s.id = "s1";
  s.participant1_id = "marie";
  s.participant2_id = "jean";
  s.status = status;
  s.created_at = at(0);
  s.version = 3;
  if (status != waiting) s.started_at = at(10);
  if (status == completed || status == cancelled) s.ended_at = at(20);
  return s;
}

class LifecycleTable
    : public ::testing::TestWithParam<std::tuple<session_status, session_trigger, bool>> {};

TEST_P(LifecycleTable, EveryStateTriggerAndDurationFollowsTheContract) {
  const auto [from, trigger, long_enough] = GetParam();
  const lifecycle_timings timings{std::chrono::seconds(120)};
  const auto before = session_in(from);
  // Long enough: 120 s after the start; short: 119 s.
  const auto when = at(10 + (long_enough ? 120 : 119));
  const auto result = apply_trigger(before, trigger, when, timings);
  const auto want = contract(from, trigger, long_enough);
  ASSERT_EQ(result.has_value(), want.has_value())
      << status_name(from) << " × " << trigger_name(trigger) << " long_enough=" << long_enough;
  if (!want) return;
  const auto& after = result->after;
  EXPECT_EQ(after.status, want->to);
  EXPECT_EQ(after.reason, want->reason);
  EXPECT_EQ(after.version, before.version + 1);
  if (want->to == active) {
    EXPECT_EQ(after.started_at, when);
    EXPECT_FALSE(after.ended_at);
    ASSERT_EQ(result->events.size(), 1u);
    EXPECT_EQ(result->events[0], "session.started");
  } else {
    EXPECT_EQ(after.ended_at, when);
    const int expected_duration = from == active ? (long_enough ? 120 : 119) : 0;
    EXPECT_EQ(after.actual_duration_seconds, expected_duration);
    ASSERT_FALSE(result->events.empty());
    EXPECT_EQ(result->events.back(),
              want->to == completed ? "session.completed" : "session.cancelled");
    if (trigger == reported) {
      EXPECT_EQ(result->events.front(), "session.reported");
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllCombinations, LifecycleTable,
                         ::testing::Combine(::testing::Values(waiting, active, completed,
                                                              cancelled),
                                            ::testing::ValuesIn(all_triggers), ::testing::Bool()));

TEST(Lifecycle, TableHasOneRowPerContractRow) {
  // The contract's table has 9 rows; rows with two outcomes or two source states expand.
  EXPECT_EQ(lifecycle_table().size(), 12u);
}

TEST(Lifecycle, NoTwoRowsApplyToTheSameCase) {
  for (auto from : {waiting, active, completed, cancelled})
    for (auto t : all_triggers)
      for (bool long_enough : {false, true}) {
        int matches = 0;
        for (const auto& row : lifecycle_table())
          if (row.from == from && row.trigger == t &&
              (row.duration == duration_rule::any ||
               (row.duration == duration_rule::at_least_minimum) == long_enough)) {
            ++matches;
          }
        EXPECT_LE(matches, 1) << status_name(from) << " × " << trigger_name(t);
      }
}

TEST(Lifecycle, HeartbeatTimeoutEndsTheCallAtTheLastHeartbeat) {
  auto s = session_in(active);
  // Silent since 200 s after the start: the call lasted 200 s, not until the timeout fired.
  auto t = apply_trigger(s, heartbeat_timeout, at(210), {std::chrono::seconds(120)});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->after.status, completed);
  EXPECT_EQ(t->after.actual_duration_seconds, 200);
}

TEST(Lifecycle, ACallNeverEndsBeforeItStarted) {
  // A resumed call that started after the previous run's last sign of life is ended at that
  // mark: the end is the start, and the call lasted nothing.
  auto s = session_in(active);
  auto t = apply_trigger(s, heartbeat_timeout, *s.started_at - std::chrono::seconds(1),
                         {std::chrono::seconds(120)});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->after.ended_at, s.started_at);
  EXPECT_EQ(t->after.actual_duration_seconds, 0);
}

TEST(Lifecycle, ACallNeverLastsLongerThanItsMaximum) {
  // An end noticed late (a last sign of life that is a mark two restarts back, a timer put
  // off by a restart) still ends the call at its maximum, whatever the trigger.
  using std::chrono::seconds;
  const lifecycle_timings timings{seconds(120), seconds(1800)};
  for (auto trigger : {heartbeat_timeout, max_duration_reached, ended_by_participant}) {
    auto s = session_in(active);
    auto t = apply_trigger(s, trigger, *s.started_at + seconds(2500), timings);
    ASSERT_TRUE(t) << trigger_name(trigger);
    EXPECT_EQ(t->after.ended_at, *s.started_at + seconds(1800)) << trigger_name(trigger);
    EXPECT_EQ(t->after.actual_duration_seconds, 1800) << trigger_name(trigger);
  }
}

}  // namespace
}  // namespace conv::domain
