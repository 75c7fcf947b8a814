#pragma once
// The promises of ports::match_queue (see its header), for every adapter: instantiate
// MatchQueueContract with a factory that makes a fresh, empty queue.
#include "../support/run_task.hpp"
#include "ports/match_queue.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <set>
#include <thread>

namespace conv::contract {

using queue_factory = std::function<std::unique_ptr<ports::match_queue>()>;

class MatchQueueContract : public ::testing::TestWithParam<queue_factory> {
 protected:
  void SetUp() override { queue_ = GetParam()(); }

  ports::join_decision join(const std::string& user, domain::cefr_level level, std::int64_t at,
                            const std::string& language = "en") {
    ports::queued_request r{"req-" + user, user, language, level, at};
    auto first = testing::run_task(queue_->take_partner_or_reserve(r));
    EXPECT_TRUE(first);
    if (!first || first->verdict != ports::join_verdict::reserved) return first.value();
    auto second = testing::run_task(queue_->take_partner_or_publish(r));
    EXPECT_TRUE(second);
    return second.value();
  }

  std::unique_ptr<ports::match_queue> queue_;
};

using domain::cefr_level;
using ports::join_verdict;

TEST_P(MatchQueueContract, TheFirstJoinerWaitsAndTheSecondIsMatchedWithThem) {
  EXPECT_EQ(join("marie", cefr_level::b1, 1).verdict, join_verdict::queued);
  auto d = join("jean", cefr_level::b1, 2);
  ASSERT_EQ(d.verdict, join_verdict::matched);
  EXPECT_EQ(d.partner->user_id, "marie");
}

TEST_P(MatchQueueContract, SaysWhoHasARequestInLine) {
  EXPECT_FALSE(*testing::run_task(queue_->has_queued("marie")));
  ports::queued_request r{"req-marie", "marie", "en", cefr_level::b1, 1};
  ASSERT_EQ(testing::run_task(queue_->take_partner_or_reserve(r))->verdict, join_verdict::reserved);
  EXPECT_FALSE(*testing::run_task(queue_->has_queued("marie")));  // reserved: not yet stored
  ASSERT_EQ(testing::run_task(queue_->take_partner_or_publish(r))->verdict, join_verdict::queued);
  EXPECT_TRUE(*testing::run_task(queue_->has_queued("marie")));
  ASSERT_EQ(join("jean", cefr_level::b1, 2).verdict, join_verdict::matched);
  EXPECT_FALSE(*testing::run_task(queue_->has_queued("marie")));  // matched: out of line
}

TEST_P(MatchQueueContract, ThePartnerComesBackWithEverythingItsRequestSaid) {
  ports::queued_request waiting{"req-w", "w", "en", cefr_level::b2, 5};
  waiting.learning_profile_id = "profile-1";
  waiting.preferred_topic_id = "topic-9";
  waiting.preferred_duration = 15;
  waiting.expires_at_ms = 3605;
  ASSERT_EQ(testing::run_task(queue_->take_partner_or_reserve(waiting))->verdict,
            join_verdict::reserved);
  ASSERT_EQ(testing::run_task(queue_->take_partner_or_publish(waiting))->verdict,
            join_verdict::queued);
  const auto matched = join("j", cefr_level::b2, 6);
  ASSERT_EQ(matched.verdict, join_verdict::matched);
  const auto& p = *matched.partner;
  EXPECT_EQ(p.request_id, "req-w");
  EXPECT_EQ(p.user_id, "w");
  EXPECT_EQ(p.language, "en");
  EXPECT_EQ(p.level, cefr_level::b2);
  EXPECT_EQ(p.enqueued_at_ms, 5);
  EXPECT_EQ(p.learning_profile_id, "profile-1");
  EXPECT_EQ(p.preferred_topic_id, "topic-9");
  EXPECT_EQ(p.preferred_duration, 15);
  EXPECT_EQ(p.expires_at_ms, 3605);
  EXPECT_EQ(p.version, 1);
}

TEST_P(MatchQueueContract, PrefersTheSameLevelEvenOverAnOlderNeighbour) {
  ASSERT_TRUE(testing::run_task(queue_->restore({"req-old", "old", "en", cefr_level::a2, 1})));
  ASSERT_TRUE(testing::run_task(queue_->restore({"req-same", "same", "en", cefr_level::b1, 10})));
  EXPECT_EQ(join("joiner", cefr_level::b1, 20).partner->user_id, "same");
}

TEST_P(MatchQueueContract, PrefersOneLevelBelowToOneAbove) {
  join("above", cefr_level::b2, 1);
  join("below", cefr_level::a2, 2);
  auto d = join("joiner", cefr_level::b1, 3);
  ASSERT_EQ(d.verdict, join_verdict::matched);
  EXPECT_EQ(d.partner->user_id, "below");
  d = join("joiner2", cefr_level::b1, 4);
  EXPECT_EQ(d.partner->user_id, "above");
}

TEST_P(MatchQueueContract, RestoredRequestsKeepTheirPlaceSoTheOldestIsTakenFirst) {
  // Two same-level requests can only both wait after a failed match put one back.
  auto restore = [&](const std::string& user, std::int64_t at) {
    ASSERT_TRUE(
        testing::run_task(queue_->restore({"req-" + user, user, "en", cefr_level::c1, at})));
  };
  restore("newer", 20);
  restore("older", 10);
  restore("same-level-elsewhere", 5);
  EXPECT_EQ(join("j1", cefr_level::c1, 30).partner->user_id, "same-level-elsewhere");
  EXPECT_EQ(join("j2", cefr_level::c1, 31).partner->user_id, "older");
  EXPECT_EQ(join("j3", cefr_level::c1, 32).partner->user_id, "newer");
}

TEST_P(MatchQueueContract, LanguagesNeverMixAndDistantLevelsNeverMatch) {
  join("en", cefr_level::b1, 1, "en");
  EXPECT_EQ(join("fr", cefr_level::b1, 2, "fr").verdict, join_verdict::queued);
  EXPECT_EQ(join("far", cefr_level::c1, 3, "en").verdict, join_verdict::queued);
}

TEST_P(MatchQueueContract, AUserCannotQueueTwiceNorWhileEngaged) {
  join("alice", cefr_level::a1, 1);
  ports::queued_request again{"req-2", "alice", "fr", cefr_level::c2, 2};
  EXPECT_EQ(testing::run_task(queue_->take_partner_or_reserve(again))->verdict,
            join_verdict::already_queued);
  join("bob", cefr_level::a1, 3);  // matched with alice: both engaged
  EXPECT_EQ(testing::run_task(queue_->take_partner_or_reserve(again))->verdict,
            join_verdict::already_engaged);
  ASSERT_TRUE(testing::run_task(queue_->release({"alice", "bob"})));
  EXPECT_EQ(join("alice", cefr_level::a1, 4).verdict, join_verdict::queued);
}

TEST_P(MatchQueueContract, AReservedRequestIsInvisibleToOtherJoiners) {
  ports::queued_request r{"req-a", "a", "en", cefr_level::b1, 1};
  ASSERT_EQ(testing::run_task(queue_->take_partner_or_reserve(r))->verdict, join_verdict::reserved);
  // b arrives while a's request is being stored: b cannot take a yet, so b reserves too...
  ports::queued_request b{"req-b", "b", "en", cefr_level::b1, 2};
  ASSERT_EQ(testing::run_task(queue_->take_partner_or_reserve(b))->verdict, join_verdict::reserved);
  // ...and whoever publishes second is matched with the first: nobody is left waiting.
  EXPECT_EQ(testing::run_task(queue_->take_partner_or_publish(r))->verdict, join_verdict::queued);
  auto d = testing::run_task(queue_->take_partner_or_publish(b));
  ASSERT_EQ(d->verdict, join_verdict::matched);
  EXPECT_EQ(d->partner->user_id, "a");
}

TEST_P(MatchQueueContract, RemoveOnlyTakesTheNamedRequest) {
  join("alice", cefr_level::a1, 1);
  EXPECT_FALSE(*testing::run_task(queue_->remove("alice", "other-request")));
  auto removed = *testing::run_task(queue_->remove("alice", "req-alice"));
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->request_id, "req-alice");  // the whole entry, to finish or put back
  EXPECT_EQ(removed->level, cefr_level::a1);
  EXPECT_FALSE(*testing::run_task(queue_->remove("alice", "req-alice")));
  EXPECT_EQ(join("bob", cefr_level::a1, 2).verdict, join_verdict::queued);
  auto bobs = *testing::run_task(queue_->remove_user("bob"));
  ASSERT_TRUE(bobs);
  EXPECT_EQ(bobs->request_id, "req-bob");
  EXPECT_FALSE(*testing::run_task(queue_->remove_user("bob")));
}

TEST_P(MatchQueueContract, ARestoredRequestReplacesTheOneItsUserHasInLine) {
  // Resuming at start: an older request of the user and then a newer one are put back; the
  // user waits once, with the newer one.
  ASSERT_TRUE(testing::run_task(queue_->restore({"req-old", "carol", "en", cefr_level::b1, 1})));
  ASSERT_TRUE(testing::run_task(queue_->restore({"req-new", "carol", "en", cefr_level::b2, 2})));
  EXPECT_FALSE(*testing::run_task(queue_->remove("carol", "req-old")));
  auto waiting = *testing::run_task(queue_->remove_user("carol"));
  ASSERT_TRUE(waiting);
  EXPECT_EQ(waiting->request_id, "req-new");
  // Nothing of the old request is left for a joiner to be matched with.
  EXPECT_EQ(join("dave", cefr_level::b1, 3).verdict, join_verdict::queued);
}

TEST_P(MatchQueueContract, ConcurrentJoinsMatchEachRequestAtMostOnceAndLoseNone) {
  constexpr int threads = 4, per_thread = 2000;
  std::vector<std::vector<ports::join_decision>> decisions(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        const auto user = "u" + std::to_string(t) + "-" + std::to_string(i);
        decisions[t].push_back(join(user, domain::all_levels[(t + i) % 6], t * per_thread + i));
      }
    });
  for (auto& w : workers)
    w.join();
  std::multiset<std::string> taken;
  std::size_t matched = 0, queued = 0;
  for (auto& list : decisions)
    for (auto& d : list) {
      if (d.verdict == join_verdict::matched) {
        ++matched;
        taken.insert(d.partner->user_id);
      } else {
        ASSERT_EQ(d.verdict, join_verdict::queued);
        ++queued;
      }
    }
  for (const auto& user : taken)
    EXPECT_EQ(taken.count(user), 1u) << user << " matched twice";
  // Every queued request was either taken once or is still waiting: none lost.
  std::size_t still_waiting = 0;
  for (int t = 0; t < threads; ++t)
    for (int i = 0; i < per_thread; ++i) {
      const auto user = "u" + std::to_string(t) + "-" + std::to_string(i);
      if (!taken.count(user) && *testing::run_task(queue_->remove(user, "req-" + user)))
        ++still_waiting;
    }
  EXPECT_EQ(matched + still_waiting, queued);
  EXPECT_EQ(matched * 2 + still_waiting, std::size_t(threads * per_thread));
}

}  // namespace conv::contract
