#include "app/presence_hub.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace conv::app {
namespace {

// A connection that records what the hub hands it (a fake below the connection_sink port).
struct recording_sink : connection_sink {
  std::vector<std::string> received;
  std::optional<std::uint16_t> closed_with;
  bool push(outbound_message m) override {
    received.push_back(*m);
    return true;
  }
  void close(std::uint16_t code, std::string_view) override { closed_with = code; }
};

const timestamp t0{std::chrono::seconds(1'800'000'000)};

TEST(PresenceHub, DeliversToTheConnectedUser) {
  presence_hub hub({});
  auto sink = std::make_shared<recording_sink>();
  EXPECT_EQ(hub.attach("alice", sink, t0, 1), presence_hub::attached::first);
  hub.send("alice", make_message("hello"), t0);
  EXPECT_EQ(sink->received, std::vector<std::string>{"hello"});
  EXPECT_TRUE(hub.is_online("alice"));
}

TEST(PresenceHub, ASecondConnectionReplacesTheFirstWithCode4000) {
  presence_hub hub({});
  auto first = std::make_shared<recording_sink>();
  auto second = std::make_shared<recording_sink>();
  hub.attach("alice", first, t0, 1);
  EXPECT_EQ(hub.attach("alice", second, t0, 2), presence_hub::attached::replacing);
  EXPECT_EQ(first->closed_with, 4000);
  hub.send("alice", make_message("m"), t0);
  EXPECT_TRUE(first->received.empty());
  EXPECT_EQ(second->received.size(), 1u);
  // The replaced connection closing later must not take the new one offline.
  EXPECT_FALSE(hub.detach("alice", first.get()));
  EXPECT_TRUE(hub.is_online("alice"));
}

TEST(PresenceHub, AnOlderConnectionArrivingLateIsTheOneClosed) {
  // Two handshakes in a row on two I/O threads: the newer one may be attached first.
  presence_hub hub({});
  auto older = std::make_shared<recording_sink>();
  auto newer = std::make_shared<recording_sink>();
  hub.attach("alice", newer, t0, 2);
  EXPECT_EQ(hub.attach("alice", older, t0, 1), presence_hub::attached::stale);
  EXPECT_EQ(older->closed_with, 4000);
  EXPECT_FALSE(newer->closed_with);
  hub.send("alice", make_message("m"), t0);
  EXPECT_EQ(newer->received.size(), 1u);
  EXPECT_TRUE(older->received.empty());
  EXPECT_FALSE(hub.detach("alice", older.get()));
  EXPECT_TRUE(hub.is_online("alice"));
}

TEST(PresenceHub, ConnectionOrderSurvivesWrapAround) {
  EXPECT_TRUE(is_newer(2, 1));
  EXPECT_FALSE(is_newer(1, 2));
  EXPECT_FALSE(is_newer(7, 7));
  EXPECT_TRUE(is_newer(0, 0xFFFF'FFFFu));  // numbered after the counter wrapped
  EXPECT_FALSE(is_newer(0xFFFF'FFFFu, 0));
}

TEST(PresenceHub, HoldsMessagesForAnOfflineUserAndDeliversThemInOrder) {
  presence_hub hub({});
  for (int i = 0; i < 5; ++i)
    hub.send("bob", make_message(std::to_string(i)), t0);
  auto sink = std::make_shared<recording_sink>();
  hub.attach("bob", sink, t0 + std::chrono::seconds(1), 1);
  EXPECT_EQ(sink->received, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
}

TEST(PresenceHub, HeldMessagesAreBoundedInCountBytesAndAge) {
  presence_hub hub(
      {.max_messages = 3, .max_bytes = 10, .max_age = std::chrono::milliseconds(1000)});
  constexpr auto relayed = presence_hub::origin::relayed;
  hub.send("bob", make_message("old"), t0, relayed);
  for (int i = 0; i < 5; ++i)
    hub.send("bob", make_message("n"), t0 + std::chrono::seconds(2), relayed);
  hub.send("bob", make_message(std::string(20, 'x')), t0 + std::chrono::seconds(2), relayed);
  auto sink = std::make_shared<recording_sink>();
  hub.attach("bob", sink, t0 + std::chrono::seconds(2), 1);
  // "old" expired and was dropped to make room; then 3 fit; the oversized one never did.
  EXPECT_EQ(sink->received, (std::vector<std::string>{"n", "n", "n"}));
  EXPECT_GE(hub.held_dropped_total(), 3u);
}

TEST(PresenceHub, TheServicesOwnMessagesAreHeldEvenPastWhatWasRelayed) {
  // The partner filled what may be held for bob with offers, then ended the call: bob
  // still learns that it ended when he is back.
  presence_hub hub({.max_messages = 2, .max_bytes = 100});
  for (int i = 0; i < 4; ++i)
    hub.send("bob", make_message("offer"), t0, presence_hub::origin::relayed);
  hub.send("bob", make_message("session-ended"), t0);
  auto sink = std::make_shared<recording_sink>();
  hub.attach("bob", sink, t0 + std::chrono::seconds(1), 1);
  EXPECT_EQ(sink->received, (std::vector<std::string>{"offer", "offer", "session-ended"}));
}

TEST(PresenceHub, HeldMessagesOfUsersWhoNeverComeBackAreDroppedWhenTooOld) {
  presence_hub hub({.max_age = std::chrono::milliseconds(1000)});
  hub.send("ghost", make_message("old"), t0);
  hub.send("late", make_message("old"), t0);
  hub.send("late", make_message("new"), t0 + std::chrono::milliseconds(900));
  EXPECT_EQ(hub.held_users(), 2u);
  hub.drop_expired(t0 + std::chrono::milliseconds(1500));
  EXPECT_EQ(hub.held_users(), 1u);  // the ghost's entry is gone, "late" keeps its new one
  auto sink = std::make_shared<recording_sink>();
  hub.attach("late", sink, t0 + std::chrono::milliseconds(1500), 1);
  EXPECT_EQ(sink->received, std::vector<std::string>{"new"});
  hub.drop_expired(t0 + std::chrono::hours(1));
  EXPECT_TRUE(hub.is_online("late"));  // a connected user's entry stays
}

TEST(PresenceHub, DetachTakesTheUserOffline) {
  presence_hub hub({});
  auto sink = std::make_shared<recording_sink>();
  hub.attach("carol", sink, t0, 1);
  EXPECT_TRUE(hub.detach("carol", sink.get()));
  EXPECT_FALSE(hub.is_online("carol"));
  EXPECT_EQ(hub.online_count(), 0u);
}

}  // namespace
}  // namespace conv::app
