// The platform events' consumer: every event is acted on in order, an event that fails
// because the store is down is tried again before the next, and a batch is acknowledged
// only once all of it is handled. Fakes below the ports (fake_ports.hpp) and a source
// that delivers scripted batches; the match queue is the embedded one.
#include "app/platform_event_consumer.hpp"
#include "../../support/run_task.hpp"
#include "domain/platform_event.hpp"
#include "fake_ports.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <functional>
#include <map>

namespace conv::app {
namespace {

namespace asio = boost::asio;
using namespace fakes;

struct scripted_source : ports::event_source {
  std::vector<std::vector<ports::inbound_event>> batches;  // delivered in turn
  std::size_t delivered = 0;
  int acknowledged = 0;
  std::function<void()> on_drained;  // a poll found nothing left

  task<std::vector<ports::inbound_event>> poll(std::size_t) override {
    if (delivered < batches.size()) co_return batches[delivered++];
    if (on_drained) on_drained();
    co_return std::vector<ports::inbound_event>();
  }
  task<void> acknowledge() override {
    ++acknowledged;
    co_return result<void>{};
  }
};

// Records how many commits there had been when a session was looked up, and calls
// `on_commit` after each write (commits and removals are counted together).
struct watched_store : versioned_store {
  int commits_when_looked_up = -1;
  bool sessions_unreadable = false;
  std::function<void()> on_commit;
  task<void> commit(ports::change_set changes) override {
    auto r = co_await versioned_store::commit(std::move(changes));
    if (on_commit) on_commit();
    co_return r;
  }
  task<void> record_user_removal(ports::user_removal removal) override {
    auto r = co_await versioned_store::record_user_removal(std::move(removal));
    if (on_commit) on_commit();
    co_return r;
  }
  task<std::optional<domain::conversation_session>> find_session(std::string) override {
    commits_when_looked_up = commits;
    if (sessions_unreadable)
      co_return make_error(errc::internal, "a stored document cannot be read");
    co_return std::optional<domain::conversation_session>();
  }
};

ports::inbound_event user_event(std::string type, std::string user,
                                std::string occurred_at = "2026-11-27T00:00:00Z") {
  return {std::string(domain::user_events_topic),
          R"({"type":")" + type + R"(","occurredAt":")" + occurred_at + R"(","data":{"userId":")" +
              user + R"("}})",
          false};
}

ports::inbound_event feedback_event(std::string session) {
  return {std::string(domain::feedback_events_topic),
          R"({"type":"feedback.completed","data":{"sessionId":")" + session + R"("}})", false};
}

struct recording_sink : connection_sink {
  std::optional<std::uint16_t> closed_with;
  bool push(outbound_message) override { return true; }
  void close(std::uint16_t code, std::string_view) override { closed_with = code; }
};

class PlatformEventConsumer : public ::testing::Test, protected wired_use_cases<watched_store> {
 protected:
  removed_users removed;
  scripted_source source;
  asio::io_context io;
  platform_event_consumer consumer{io.get_executor(),
                                   ctx,
                                   matching,
                                   lifecycle,
                                   removed,
                                   source,
                                   {.idle_poll = std::chrono::milliseconds(1),
                                    .first_retry = std::chrono::milliseconds(1),
                                    .longest_retry = std::chrono::milliseconds(4)}};

  // A pending request of `user`, stored (one commit) and in line.
  std::string join(const std::string& user) {
    std::optional<result<join_outcome>> joined;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          domain::join_wish wish;
          wish.target_language_code = "en";
          wish.user_level = domain::cefr_level::b1;
          joined = co_await matching.join(user, std::move(wish));
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io.restart();
    io.run();
    EXPECT_TRUE(joined && *joined);
    return (*joined)->request.id;
  }
  // Runs `c` (the test's consumer unless told) until it stops.
  void consume(platform_event_consumer* c = nullptr) {
    asio::co_spawn(io, (c ? c : &consumer)->run(), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
    io.restart();
    io.run();
  }
};

TEST_F(PlatformEventConsumer, AnEventTheStoreFailsIsTriedAgainBeforeTheNextOne) {
  const auto request = join("mallory");
  ASSERT_EQ(store.commits, 1);
  // The ban's cancellation of the request fails (commit 2); tried again, the cancellation is
  // stored (3) and the removal's record fails (4); tried again, the record is stored (5).
  store.failing = {2, 4};
  source.batches = {{
      {std::string(domain::user_events_topic), "not json", false},
      // Published before the join (the fake clock is in 2027): a removal handled for the
      // first time reaches what the user has now all the same.
      user_event("user.banned", "mallory", "2026-11-27T00:00:00Z"),
      user_event("user.created", "zoe"),
      {std::string(domain::feedback_events_topic),
       R"({"type":"feedback.completed","data":{"sessionId":"s-1"}})", false},
  }};
  source.on_drained = [&] { consumer.stop(); };
  consume();

  EXPECT_EQ(store.commits, 5);
  EXPECT_EQ(store.versions["request:" + request], 2);  // cancelled
  EXPECT_TRUE(removed.refuses("mallory", std::nullopt));
  EXPECT_FALSE(removed.refuses("zoe", std::nullopt));
  EXPECT_FALSE(testing::run_task(queue.has_queued("mallory")).value());
  // The feedback was looked at only once the ban was stored.
  EXPECT_EQ(store.commits_when_looked_up, 5);
  EXPECT_EQ(source.acknowledged, 1);
  EXPECT_EQ(consumer.totals().handled, 2u);
  EXPECT_EQ(consumer.totals().skipped, 1u);
  EXPECT_EQ(consumer.totals().malformed, 1u);
}

TEST_F(PlatformEventConsumer, StoppingWhileTheStoreIsDownLeavesTheBatchUnacknowledged) {
  join("mallory");
  for (int n = 2; n < 100; ++n)
    store.failing.insert(n);
  store.on_commit = [&] {
    if (store.commits == 5) consumer.stop();  // after a few attempts
  };
  source.batches = {{user_event("user.deleted", "mallory"), user_event("user.deleted", "zoe")}};
  consume();

  EXPECT_EQ(store.commits, 5);  // no attempt after the stop, none for the next event
  EXPECT_EQ(source.acknowledged, 0);
  EXPECT_EQ(consumer.totals().handled, 0u);
}

TEST_F(PlatformEventConsumer, AnEventThatFailsForAnotherReasonIsSkippedAndTheNextHandled) {
  store.sessions_unreadable = true;
  source.batches = {{feedback_event("s-1"), user_event("user.banned", "mallory")}};
  source.on_drained = [&] { consumer.stop(); };
  consume();
  EXPECT_EQ(consumer.totals().failed, 1u);
  EXPECT_EQ(consumer.totals().handled, 1u);
  EXPECT_TRUE(removed.refuses("mallory", std::nullopt));
  EXPECT_EQ(source.acknowledged, 1);
}

TEST_F(PlatformEventConsumer, ARemovalDeliveredAgainLeavesWhatTheUserDidSinceAlone) {
  // Removed at 00:00 and handled; the account is restored, the user joins and connects
  // again (a token issued since); then the old event comes again (a position lost).
  source.batches = {{user_event("user.banned", "mallory")}};
  source.on_drained = [&] { consumer.stop(); };
  consume();
  ASSERT_EQ(consumer.totals().handled, 1u);
  const auto request = join("mallory");  // the fake clock is in 2027: after the removal
  auto sink = std::make_shared<recording_sink>();
  hub.attach("mallory", sink, clock.now(), 1);

  platform_event_consumer again{io.get_executor(),
                                ctx,
                                matching,
                                lifecycle,
                                removed,
                                source,
                                {.idle_poll = std::chrono::milliseconds(1)}};
  source.batches.push_back({user_event("user.banned", "mallory")});
  source.on_drained = [&] { again.stop(); };
  consume(&again);
  EXPECT_EQ(again.totals().handled, 1u);
  EXPECT_EQ(store.versions["request:" + request], 1);  // still pending
  EXPECT_FALSE(sink->closed_with);
  EXPECT_TRUE(hub.is_online("mallory"));
  EXPECT_FALSE(removed.refuses("mallory", to_unix_ms(clock.now()) / 1000));
}

TEST_F(PlatformEventConsumer, ARemovalIsAsOfWhenItHappenedButNeverLater) {
  source.batches = {{user_event("user.banned", "mallory", "2026-11-27T00:00:00Z"),
                     user_event("user.banned", "zoe", "2999-01-01T00:00:00Z"),
                     user_event("user.deleted", "yann", "not a time")}};
  source.on_drained = [&] { consumer.stop(); };
  consume();
  std::map<std::string, timestamp> at;
  for (const auto& r : store.removals)
    at[r.user_id] = r.at;
  EXPECT_EQ(at.at("mallory"), *parse_rfc3339_any("2026-11-27T00:00:00Z"));
  EXPECT_LE(at.at("zoe"), clock.now());  // capped at the time it was handled
  EXPECT_GT(at.at("zoe"), *parse_rfc3339_any("2026-11-27T00:00:00Z"));
  EXPECT_GT(at.at("yann"), *parse_rfc3339_any("2026-11-27T00:00:00Z"));  // handled now
}

}  // namespace
}  // namespace conv::app
