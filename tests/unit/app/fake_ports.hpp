#pragma once
// Fakes below the ports, for the use cases' unit tests: a clock that steps, ids that count,
// a scheduler that records its timers, no topics, and a store that checks versions as the
// real ones do and fails the commits it is told to; and the use cases wired over them.
#include "adapters/embedded/memory_match_queue.hpp"
#include "app/matchmaker.hpp"
#include "app/session_lifecycle.hpp"
#include "ports/clock.hpp"
#include "ports/conversation_store.hpp"
#include "ports/scheduler.hpp"
#include "ports/topic_store.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <set>

namespace conv::app::fakes {

namespace asio = boost::asio;
template <class T>
using task = ports::task<T>;

struct stepping_clock : ports::clock {
  mutable std::int64_t ms = 1'800'000'000'000;
  timestamp now() const override { return timestamp(std::chrono::milliseconds(++ms)); }
};

struct counting_ids : ports::id_generator {
  int n = 0;
  std::string new_id() override { return "id-" + std::to_string(++n); }
};

struct recording_scheduler : ports::scheduler {
  std::map<std::string, timestamp> pending;
  void start(handler) override {}
  void stop() override {}
  task<void> schedule(ports::timer_key key, timestamp due) override {
    pending[key.encode()] = due;
    co_return result<void>{};
  }
  task<void> cancel(ports::timer_key key) override {
    pending.erase(key.encode());
    co_return result<void>{};
  }
};

struct no_topics : ports::topic_store {
  task<ports::topic_page> list(ports::topic_filter, std::size_t,
                               std::optional<std::string>) override {
    co_return ports::topic_page{};
  }
  task<std::optional<domain::topic>> find(std::string) override {
    co_return std::optional<domain::topic>();
  }
  task<void> save(domain::topic) override { co_return result<void>{}; }
  task<bool> seed_if_empty(std::vector<domain::topic>) override { co_return false; }
};

// Versions as the store's promise says (version 1 is new, v replaces v-1), commits that
// complete later (so two joins interleave as they do on a real store), and failures on
// the commits numbered in `failing`.
struct versioned_store : ports::conversation_store {
  std::map<std::string, std::int64_t> versions;
  std::set<int> failing;
  int commits = 0;

  task<void> commit(ports::change_set changes) override {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    if (failing.count(++commits)) co_return make_error(errc::service_unavailable, "disk full");
    std::vector<std::pair<std::string, std::int64_t>> docs;
    for (const auto& s : changes.sessions)
      docs.emplace_back("session:" + s.id, s.version);
    for (const auto& r : changes.requests)
      docs.emplace_back("request:" + r.id, r.version);
    for (const auto& [key, version] : docs) {
      auto it = versions.find(key);
      const bool fits =
          version == 1 ? it == versions.end() : it != versions.end() && it->second == version - 1;
      if (!fits) co_return make_error(errc::invalid_state, key + " moved on");
    }
    for (const auto& [key, version] : docs)
      versions[key] = version;
    co_return result<void>{};
  }
  task<std::optional<domain::conversation_session>> find_session(std::string) override {
    co_return std::optional<domain::conversation_session>();
  }
  task<ports::session_page> sessions_of(std::string, std::optional<domain::session_status>,
                                        std::size_t, std::optional<std::string>) override {
    co_return ports::session_page{};
  }
  task<std::optional<domain::matchmaking_request>> latest_request_of(std::string) override {
    co_return std::optional<domain::matchmaking_request>();
  }
  task<std::optional<domain::matchmaking_request>> find_request(std::string) override {
    co_return std::optional<domain::matchmaking_request>();
  }
  task<std::optional<domain::conversation_session>> live_session_of(std::string) override {
    co_return std::optional<domain::conversation_session>();
  }
  task<std::vector<domain::conversation_session>> live_sessions() override {
    co_return std::vector<domain::conversation_session>();
  }
  task<std::vector<domain::matchmaking_request>> pending_requests() override {
    co_return std::vector<domain::matchmaking_request>();
  }
  task<std::vector<ports::stored_event>> unsent_events(std::size_t) override {
    co_return std::vector<ports::stored_event>();
  }
  task<void> mark_sent(std::vector<std::int64_t>) override { co_return result<void>{}; }
  std::vector<ports::user_removal> removals;
  task<void> record_user_removal(ports::user_removal removal) override {
    co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
    if (failing.count(++commits)) co_return make_error(errc::service_unavailable, "disk full");
    for (auto& known : removals)
      if (known.user_id == removal.user_id) {
        known.at = std::max(known.at, removal.at);
        co_return result<void>{};
      }
    removals.push_back(std::move(removal));
    co_return result<void>{};
  }
  task<std::vector<ports::user_removal>> user_removals() override { co_return removals; }
};

// The matchmaker and the session lifecycle over these fakes (and the embedded match queue),
// with `Store` as the store: a test fixture derives from it.
template <class Store>
struct wired_use_cases {
  Store store;
  adapters::embedded::memory_match_queue queue;
  recording_scheduler scheduler;
  stepping_clock clock;
  counting_ids ids;
  presence_hub hub{{}};
  live_session_cache sessions;
  no_topics topic_store;
  topic_catalog topics{topic_store, clock, ids};
  ice_servers ice{{}};
  context ctx{store, queue, scheduler, clock, ids, hub, sessions, topics, ice, timings{}};
  session_lifecycle lifecycle{ctx};
  matchmaker matching{ctx, lifecycle};
};

}  // namespace conv::app::fakes
