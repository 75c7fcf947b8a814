// The matchmaker when the store fails a commit: nobody is left in line with a request the
// store does not have, and every request in line still expires. Fakes below the ports: a
// store that checks versions as the real ones do and fails the commits it is told to, a
// scheduler that records its timers; the match queue is the embedded one.
#include "app/matchmaker.hpp"
#include "app/session_lifecycle.hpp"
#include "fake_ports.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace conv::app {
namespace {

namespace asio = boost::asio;
using namespace fakes;

class MatchmakerWithAFailingStore : public ::testing::Test,
                                    protected wired_use_cases<versioned_store> {
 protected:
  // Runs one coroutine to its end (through any pause it takes).
  template <class T>
  T run(asio::awaitable<T> work) {
    asio::io_context io;
    std::optional<T> out;
    asio::co_spawn(io, std::move(work), [&](std::exception_ptr e, T value) {
      if (e) std::rethrow_exception(e);
      out = std::move(value);
    });
    io.run();
    return std::move(*out);
  }
  void run(asio::awaitable<void> work) {
    asio::io_context io;
    asio::co_spawn(io, std::move(work), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.run();
  }

  // Runs the joins of `users` side by side; their outcomes in the same order.
  std::vector<result<join_outcome>> join_together(std::vector<std::string> users) {
    asio::io_context io;
    std::vector<std::optional<result<join_outcome>>> outcomes(users.size());
    for (std::size_t i = 0; i < users.size(); ++i)
      asio::co_spawn(
          io,
          [this, &outcomes, i, user = users[i]]() -> asio::awaitable<void> {
            // A named wish, not a braced temporary inside co_await (GCC 12 destroys those twice).
            domain::join_wish wish;
            wish.target_language_code = "en";
            wish.user_level = domain::cefr_level::b1;
            outcomes[i] = co_await matching.join(user, std::move(wish));
          },
          asio::detached);
    io.run();
    std::vector<result<join_outcome>> done;
    for (auto& o : outcomes)
      done.push_back(std::move(*o));
    return done;
  }
};

TEST_F(MatchmakerWithAFailingStore, AMatchThatCannotBeStoredIsTriedAgainUntilTheStoreTakesIt) {
  // a and b join together: both requests are stored (commits 1 and 2), and whoever
  // publishes second is matched with the other; that match (commit 3) fails, and so does
  // the first attempt again (commit 4).
  store.failing = {3, 4};
  auto first = join_together({"a", "b"});
  // Both requests are stored and waiting: both joins answer pending.
  for (const auto& joined : first) {
    ASSERT_TRUE(joined) << joined.error().message;
    EXPECT_FALSE(joined->session);
  }
  // Both still expire, and the one whose match failed is to try again.
  for (const auto& joined : first)
    EXPECT_TRUE(
        scheduler.pending.count(ports::timer_key(ports::timer_kind::request_expiry,
                                                 joined->request.id, joined->request.user_id)
                                    .encode()));
  std::optional<ports::timer_key> rematch;
  for (const auto& [key, due] : scheduler.pending)
    if (key.starts_with("rematch/")) rematch = ports::timer_key::decode(key);
  ASSERT_TRUE(rematch);
  // Nobody joins again: the two are matched by the rematch once the store takes it, with
  // their requests as the store has them (version 1, so the version check passes).
  run(matching.on_timer(*rematch, clock.now()));  // through one pause after the failed attempt
  EXPECT_EQ(store.commits, 5);
  for (const auto& joined : first)
    EXPECT_EQ(store.versions.at("request:" + joined->request.id), 2);
  auto session = sessions.of_user("b");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->participant1, "a");  // who waited longer is the initiator
  EXPECT_EQ(session->participant2, "b");
  // The match ended both requests' waits.
  for (const auto& joined : first)
    EXPECT_FALSE(
        scheduler.pending.count(ports::timer_key(ports::timer_kind::request_expiry,
                                                 joined->request.id, joined->request.user_id)
                                    .encode()));
}

TEST_F(MatchmakerWithAFailingStore, ARematchOfARequestNoLongerInLineDoesNothing) {
  auto joined = join_together({"a"});
  ASSERT_TRUE(joined[0]);
  ASSERT_TRUE(run(matching.leave("a")));
  const auto commits = store.commits;
  run(matching.on_timer(ports::timer_key(ports::timer_kind::rematch, joined[0]->request.id, "a"),
                        clock.now()));
  EXPECT_EQ(store.commits, commits);
  auto next = join_together({"b"});  // a is not waiting any more
  ASSERT_TRUE(next[0]);
  EXPECT_FALSE(next[0]->session);
}

TEST_F(MatchmakerWithAFailingStore, ARequestExpiresOnceTheStoreIsBackEvenIfItFailedWhenDue) {
  auto joined = join_together({"a"});
  ASSERT_TRUE(joined[0]);
  const auto id = joined[0]->request.id;
  const ports::timer_key expiry(ports::timer_kind::request_expiry, id, "a");
  store.failing = {store.commits + 1};  // the expiry's first attempt
  asio::io_context io;
  asio::co_spawn(io, matching.on_timer(expiry, clock.now()), asio::detached);
  io.run();  // through one pause before the second attempt
  EXPECT_EQ(store.versions.at("request:" + id), 2);
  EXPECT_FALSE(scheduler.pending.count(expiry.encode()));
  // Nobody is matched with the expired request any more.
  auto next = join_together({"b"});
  ASSERT_TRUE(next[0]);
  EXPECT_FALSE(next[0]->session);
}

TEST_F(MatchmakerWithAFailingStore, RequestsThatSuitEachOtherFoundPendingAtStartAreMatched) {
  // What a run leaves when it stops between storing a request and matching it, or cannot
  // store a match: two pending requests that suit each other. A third suits neither, and a
  // fourth, the oldest, would suit both but expired while the service was down.
  auto pending = [&](std::string id, std::string user, std::string language, int created_s) {
    store.versions["request:" + id] = 1;
    domain::matchmaking_request r;
    r.id = std::move(id);
    r.user_id = std::move(user);
    r.target_language_code = std::move(language);
    r.user_level = domain::cefr_level::b1;
    r.created_at = timestamp(std::chrono::seconds(1'800'000'000 + created_s));
    r.expires_at = r.created_at + std::chrono::minutes(5);
    r.version = 1;
    return r;
  };
  auto late = pending("r-late", "e", "en", -1000);
  ASSERT_LT(late.expires_at, clock.now());
  std::vector<domain::matchmaking_request> found{pending("r-old", "a", "en", 1), late,
                                                 pending("r-fr", "c", "fr", 2),
                                                 pending("r-new", "b", "en", 3)};
  asio::io_context io;
  asio::co_spawn(io, matching.resume(std::move(found)), asio::detached);
  io.run();
  EXPECT_EQ(store.versions.at("request:r-old"), 2);
  EXPECT_EQ(store.versions.at("request:r-new"), 2);
  EXPECT_EQ(store.versions.at("request:r-fr"), 1);
  EXPECT_EQ(store.versions.at("request:r-late"), 1);  // expires instead, at once
  EXPECT_EQ(scheduler.pending.at(
                ports::timer_key(ports::timer_kind::request_expiry, "r-late", "e").encode()),
            late.expires_at);
  auto session = sessions.of_user("b");
  ASSERT_TRUE(session);
  EXPECT_EQ(session->participant1, "a");  // who waited longer is the initiator
  EXPECT_EQ(session->participant2, "b");
  // Only the request still waiting has its deadline.
  for (const auto* id : {"r-old", "r-new"})
    EXPECT_FALSE(scheduler.pending.count(ports::timer_key(ports::timer_kind::request_expiry, id,
                                                          id == std::string("r-old") ? "a" : "b")
                                             .encode()))
        << id;
  EXPECT_TRUE(scheduler.pending.count(
      ports::timer_key(ports::timer_kind::request_expiry, "r-fr", "c").encode()));
  // And neither a nor b can be matched again (e is in line until its expiry, due now, fires).
  auto next = join_together({"d"});
  ASSERT_TRUE(next[0]);
  if (next[0]->session) {
    EXPECT_EQ(next[0]->session->participant1_id, "e");
  }
}

}  // namespace
}  // namespace conv::app
