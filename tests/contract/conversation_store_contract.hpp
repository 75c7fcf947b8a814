#pragma once
// The promises of ports::conversation_store (see its header), for every adapter:
// instantiate ConversationStoreContract with a factory that opens a store on a directory
// (the same directory twice means reopening it).
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"
#include "ports/conversation_store.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>

namespace conv::contract {

// Owns whatever the adapter needs (a database, a client) and exposes the port.
struct store_handle {
  virtual ~store_handle() = default;
  virtual ports::conversation_store& store() = 0;
};
using store_factory = std::function<std::unique_ptr<store_handle>(const std::filesystem::path&)>;

class ConversationStoreContract : public ::testing::TestWithParam<store_factory> {
 protected:
  void SetUp() override { handle_ = GetParam()(dir_.path()); }
  ports::conversation_store& store() { return handle_->store(); }
  void reopen() {
    handle_.reset();
    handle_ = GetParam()(dir_.path());
  }

  static domain::conversation_session session(const std::string& id, const std::string& a,
                                              const std::string& b, std::int64_t at_ms,
                                              std::int64_t version = 1) {
    domain::conversation_session s;
    s.id = id;
    s.target_language_code = "en";
    s.participant1_id = a;
    s.participant2_id = b;
    s.scheduled_at = s.created_at = from_unix_ms(at_ms);
    s.version = version;
    return s;
  }
  static domain::matchmaking_request request(const std::string& id, const std::string& user,
                                             std::int64_t at_ms) {
    domain::matchmaking_request r;
    r.id = id;
    r.user_id = user;
    r.target_language_code = "en";
    r.created_at = from_unix_ms(at_ms);
    r.expires_at = from_unix_ms(at_ms + 120'000);
    r.version = 1;
    return r;
  }
  static domain::event event(const std::string& id) {
    return domain::event{id, "session.created", from_unix_ms(1), "key",
                         boost::json::serialize(boost::json::object{{"n", id}})};
  }
  result<void> commit(ports::change_set c) {
    return testing::run_task(store().commit(std::move(c)));
  }

  testing::temp_dir dir_;  // declared first: the adapter goes before its directory
  std::unique_ptr<store_handle> handle_;
};

TEST_P(ConversationStoreContract, InsertingTheSameDocumentTwiceLosesTheRace) {
  ASSERT_TRUE(commit({{session("s1", "a", "b", 1)}, {}, {}}));
  auto again = commit({{session("s1", "a", "b", 1)}, {}, {event("e")}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, errc::invalid_state);
  EXPECT_TRUE(testing::run_task(store().unsent_events(10))->empty());
}

TEST_P(ConversationStoreContract, AStaleVersionStoresNothingOfItsChangeSet) {
  ASSERT_TRUE(commit({{session("s1", "a", "b", 1)}, {request("r1", "a", 1)}, {}}));
  auto s = session("s1", "a", "b", 1, 2);
  s.status = domain::session_status::active;
  ASSERT_TRUE(commit({{s}, {}, {event("e1")}}));
  auto stale = session("s1", "a", "b", 1, 2);  // written from version 1 again
  stale.status = domain::session_status::cancelled;
  auto r = request("r1", "a", 1);
  r.version = 2;
  auto lost = commit({{stale}, {r}, {event("e2")}});
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::invalid_state);
  EXPECT_EQ((*testing::run_task(store().find_session("s1")))->status,
            domain::session_status::active);
  EXPECT_EQ((*testing::run_task(store().find_request("r1")))->version, 1);  // the request too
  auto events = *testing::run_task(store().unsent_events(10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].event.event_id, "e1");
}

TEST_P(ConversationStoreContract, KeepsWhatOnlyTheServiceKnowsOfASession) {
  // Who reported whom: stored with the session, though clients never see it.
  auto s = session("s1", "a", "b", 1);
  s.participant2_reported = true;
  ASSERT_TRUE(commit({{s}, {}, {}}));
  reopen();
  auto found = *testing::run_task(store().find_session("s1"));
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->participant1_reported);
  EXPECT_TRUE(found->participant2_reported);
}

TEST_P(ConversationStoreContract, OfManyConcurrentTransitionsExactlyOneWins) {
  ASSERT_TRUE(commit({{session("s1", "a", "b", 1)}, {}, {}}));
  std::atomic<int> wins{0}, losses{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 16; ++i)
    racers.emplace_back([&, i] {
      auto s = session("s1", "a", "b", 1, 2);
      s.status = domain::session_status::cancelled;
      auto r = commit({{s}, {}, {event("e" + std::to_string(i))}});
      (r ? wins : losses)++;
    });
  for (auto& t : racers)
    t.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(losses, 15);
  EXPECT_EQ(testing::run_task(store().unsent_events(100))->size(), 1u);
}

TEST_P(ConversationStoreContract, ConcurrentChangesThatFailDoNotTakeTheOthersWithThem) {
  ASSERT_TRUE(commit({{session("taken", "a", "b", 1)}, {}, {}}));
  std::atomic<int> stored{0}, refused{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 16; ++i)
    writers.emplace_back([&, i] {
      // Even writers insert a session of their own; odd ones insert "taken" again.
      const auto id = i % 2 == 0 ? "s" + std::to_string(i) : std::string("taken");
      auto r = commit({{session(id, "a", "b", 1)}, {}, {event("e" + std::to_string(i))}});
      (r ? stored : refused)++;
    });
  for (auto& t : writers)
    t.join();
  EXPECT_EQ(stored, 8);
  EXPECT_EQ(refused, 8);
  for (int i = 0; i < 16; i += 2)
    EXPECT_TRUE(*testing::run_task(store().find_session("s" + std::to_string(i)))) << i;
  const auto events = *testing::run_task(store().unsent_events(100));
  std::set<std::string> ids;
  for (const auto& e : events)
    ids.insert(e.event.event_id);
  EXPECT_EQ(ids, (std::set<std::string>{"e0", "e2", "e4", "e6", "e8", "e10", "e12", "e14"}));
}

TEST_P(ConversationStoreContract, TheOutboxForgetsExactlyTheEventsMarkedSent) {
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(commit({{}, {}, {event("e" + std::to_string(i))}}));
  auto events = *testing::run_task(store().unsent_events(10));
  ASSERT_EQ(events.size(), 6u);
  // Out of order, with a gap: e3, e0, e1 and e5.
  ASSERT_TRUE(testing::run_task(store().mark_sent(
      {events[3].sequence, events[0].sequence, events[1].sequence, events[5].sequence})));
  events = *testing::run_task(store().unsent_events(10));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].event.event_id, "e2");
  EXPECT_EQ(events[1].event.event_id, "e4");
}

TEST_P(ConversationStoreContract, TheOutboxKeepsOrderAndForgetsWhatWasSent) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(commit({{}, {}, {event("e" + std::to_string(i))}}));
  auto events = *testing::run_task(store().unsent_events(3));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.event_id, "e0");
  EXPECT_EQ(events[2].event.event_id, "e2");
  EXPECT_EQ(boost::json::parse(events[0].event.data).at("n"), "e0");
  ASSERT_TRUE(testing::run_task(store().mark_sent({events[0].sequence, events[1].sequence})));
  events = *testing::run_task(store().unsent_events(10));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].event.event_id, "e2");
}

TEST_P(ConversationStoreContract, HistoryIsNewestFirstAndPagesWithoutGapsOrRepeats) {
  for (int i = 0; i < 7; ++i)
    ASSERT_TRUE(commit({{session("s" + std::to_string(i), i % 2 ? "me" : "x", i % 2 ? "y" : "me",
                                 1000 + (i / 2))},  // equal timestamps too
                        {},
                        {}}));
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  do {
    auto page = *testing::run_task(store().sessions_of("me", std::nullopt, 3, cursor));
    for (auto& s : page.items)
      seen.push_back(s.id);
    cursor = page.cursor;
  } while (cursor);
  ASSERT_EQ(seen.size(), 7u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    auto a = *testing::run_task(store().find_session(seen[i - 1]));
    auto b = *testing::run_task(store().find_session(seen[i]));
    EXPECT_GE(a->created_at, b->created_at);
  }
  std::set<std::string> unique(seen.begin(), seen.end());
  EXPECT_EQ(unique.size(), 7u);
  auto bad = testing::run_task(store().sessions_of("me", std::nullopt, 3, std::string("garbage")));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::validation_failed);
}

TEST_P(ConversationStoreContract, EverythingLiveSurvivesReopening) {
  auto live = session("live", "a", "b", 1);
  auto done = session("done", "c", "d", 2);
  done.status = domain::session_status::completed;
  ASSERT_TRUE(
      commit({{live, done}, {request("r1", "e", 1), request("r2", "e", 5)}, {event("e1")}}));
  reopen();
  auto sessions = *testing::run_task(store().live_sessions());
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].id, "live");
  EXPECT_EQ(testing::run_task(store().pending_requests())->size(), 2u);
  EXPECT_EQ((*testing::run_task(store().latest_request_of("e")))->id, "r2");
  EXPECT_EQ((*testing::run_task(store().live_session_of("b")))->id, "live");
  EXPECT_FALSE(*testing::run_task(store().live_session_of("c")));
  EXPECT_EQ(testing::run_task(store().unsent_events(10))->size(), 1u);
}

TEST_P(ConversationStoreContract, RemovedUsersSurviveReopeningWithTheirLatestRemoval) {
  EXPECT_TRUE(testing::run_task(store().user_removals())->empty());
  auto record = [this](const char* user, std::int64_t at_ms) {
    ASSERT_TRUE(testing::run_task(store().record_user_removal({user, from_unix_ms(at_ms)})));
  };
  record("mallory", 2'000);
  record("mallory", 2'000);  // the same event again
  record("mallory", 1'000);  // an older one
  record("zoë", 3'000);
  record("zoë", 3'001);
  reopen();
  auto removed = *testing::run_task(store().user_removals());
  std::map<std::string, std::int64_t> at;
  for (const auto& r : removed)
    at[r.user_id] = to_unix_ms(r.at);
  EXPECT_EQ(at, (std::map<std::string, std::int64_t>{{"mallory", 2'000}, {"zoë", 3'001}}));
}

}  // namespace conv::contract
