// After restarts: when a call nobody is heard from again ended, and what is kept for the
// next start. A fake liveness_record stands for the data directory's alive files.
#include "app/resumed_calls.hpp"

#include <gtest/gtest.h>

#include <array>
#include <initializer_list>

namespace conv::app {
namespace {

using namespace std::chrono_literals;

struct recorded_liveness : ports::liveness_record {
  std::optional<timestamp> alive;
  ports::unheard_participants before;
  std::optional<ports::unheard_participants> kept;
  std::optional<timestamp> previous_run_alive() const override { return alive; }
  ports::unheard_participants previous_unheard() const override { return before; }
  void keep_unheard(ports::unheard_participants u) override { kept = std::move(u); }
};

const timestamp t0(1'800'000'000'000ms);

// A start at `at` that resumes `live` calls (session, participant 1, participant 2) from
// what `record` holds of the previous run, as conversation_service::start does.
void restart(resumed_calls& calls, recorded_liveness& record, timestamp at,
             std::initializer_list<std::array<const char*, 3>> live) {
  calls.resuming(at, record);
  for (const auto& [session, p1, p2] : live)
    calls.resume_call(session, p1, p2);
  calls.resumed(record);
}

TEST(ResumedCalls, ACallNobodyIsHeardFromEndedWhenThePreviousRunStopped) {
  recorded_liveness record;
  record.alive = t0 + 10s;
  resumed_calls calls;
  restart(calls, record, t0 + 60s, {{"s1", "marie", "jean"}});
  EXPECT_EQ(calls.restarted_at(), t0 + 60s);
  EXPECT_EQ(calls.silent_since("s1"), t0 + 10s);
  ASSERT_TRUE(record.kept);
  EXPECT_EQ(*record.kept,
            (ports::unheard_participants{{{"s1", "jean"}, t0 + 10s}, {{"s1", "marie"}, t0 + 10s}}));
}

TEST(ResumedCalls, AParticipantTheRunInBetweenNeverHeardKeepsTheOlderMark) {
  // The first run stopped at t0+10 s; the second ran briefly, heard marie but not jean, and
  // stopped at t0+70 s. Whichever participant's timer fires first, the call went on until
  // jean fell silent.
  recorded_liveness record;
  record.alive = t0 + 70s;
  record.before = {{{"s1", "jean"}, t0 + 10s}};
  resumed_calls calls;
  restart(calls, record, t0 + 90s, {{"s1", "marie", "jean"}});
  EXPECT_EQ(calls.silent_since("s1"), t0 + 10s);
  EXPECT_EQ(record.kept->at({"s1", "jean"}), t0 + 10s);  // carried to the next start
  EXPECT_EQ(record.kept->at({"s1", "marie"}), t0 + 70s);
  // jean is heard now: only marie is silent, since the second run stopped.
  calls.heard("s1", "jean");
  EXPECT_EQ(calls.silent_since("s1"), t0 + 70s);
  EXPECT_EQ(record.kept->count({"s1", "jean"}), 0u);
}

TEST(ResumedCalls, AnEndedCallIsNotCarriedToTheNextStart) {
  recorded_liveness record;
  record.alive = t0 + 10s;
  resumed_calls calls;
  restart(calls, record, t0 + 60s, {{"s1", "marie", "jean"}, {"s2", "ada", "bob"}});
  calls.ended("s1");
  EXPECT_EQ(*record.kept,
            (ports::unheard_participants{{{"s2", "ada"}, t0 + 10s}, {{"s2", "bob"}, t0 + 10s}}));
  calls.heard("s2", "ada");
  calls.heard("s2", "bob");
  EXPECT_TRUE(record.kept->empty());
}

TEST(ResumedCalls, AFirstStartResumesNothing) {
  recorded_liveness record;  // no mark: nothing ran here before
  record.before = {{{"stale", "x"}, t0}};
  resumed_calls calls;
  restart(calls, record, t0, {{"s1", "marie", "jean"}});
  EXPECT_FALSE(calls.restarted_at());
  EXPECT_TRUE(record.kept->empty());  // and an old list is cleared
}

TEST(ResumedCalls, WaitingSessionsResumedRepeatMatchFound) {
  resumed_calls calls;
  calls.repeat_match_found_on_connect("s1");
  EXPECT_TRUE(calls.repeats_match_found("s1"));
  EXPECT_FALSE(calls.repeats_match_found("s2"));
}

}  // namespace
}  // namespace conv::app
