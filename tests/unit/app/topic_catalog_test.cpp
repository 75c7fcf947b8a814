// Topic administration when two admins change one topic at once: each change is applied to
// the topic as stored, so neither is lost, and a deactivation stays done. The fake store
// below the port keeps its promise (compare-and-set on versions) and lets a test commit
// "another admin's" change just before the catalogue's own write.
#include "app/topic_catalog.hpp"

#include "../../support/run_task.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <functional>
#include <map>

namespace conv::app {
namespace {

template <class T>
using task = ports::task<T>;

struct fixed_clock : ports::clock {
  timestamp now() const override { return timestamp(std::chrono::milliseconds(1'800'000'000'000)); }
};

struct counting_ids : ports::id_generator {
  int n = 0;
  std::string new_id() override { return "topic-" + std::to_string(++n); }
};

struct racing_topic_store : ports::topic_store {
  std::map<std::string, domain::topic> topics;
  int saves = 0;
  // Runs before a save is judged: another writer committing first.
  std::function<void()> before_save;

  task<ports::topic_page> list(ports::topic_filter filter, std::size_t,
                               std::optional<std::string>) override {
    ports::topic_page page;
    for (const auto& [id, t] : topics)
      if (!filter.active_only || t.is_active) page.items.push_back(t);
    co_return page;
  }
  task<std::optional<domain::topic>> find(std::string id) override {
    auto it = topics.find(id);
    if (it == topics.end()) co_return std::optional<domain::topic>();
    co_return std::optional<domain::topic>(it->second);
  }
  task<void> save(domain::topic t) override {
    ++saves;
    if (before_save) std::exchange(before_save, nullptr)();
    auto it = topics.find(t.id);
    const bool fits = t.version == 1 ? it == topics.end()
                                     : it != topics.end() && it->second.version == t.version - 1;
    if (!fits) co_return make_error(errc::invalid_state, "the topic changed meanwhile");
    topics[t.id] = t;
    co_return result<void>{};
  }
  task<bool> seed_if_empty(std::vector<domain::topic>) override { co_return false; }
};

class TopicCatalogChanges : public ::testing::Test {
 protected:
  void SetUp() override {
    domain::topic t;
    t.id = "t1";
    t.target_language_code = "en";
    t.level = domain::cefr_level::b1;
    t.title = "Travel";
    store.topics[t.id] = t;
    ASSERT_TRUE(testing::run_task(catalog.start()));
  }

  // Another admin's change, committed as the store would: one version further.
  void commit_elsewhere(std::function<void(domain::topic&)> change) {
    store.before_save = [this, change] {
      auto& stored = store.topics.at("t1");
      change(stored);
      ++stored.version;
    };
  }

  std::optional<domain::topic> chosen() const {
    return catalog.choose_for_session(std::nullopt, std::nullopt, "en", domain::cefr_level::b1);
  }

  racing_topic_store store;
  fixed_clock clock;
  counting_ids ids;
  topic_catalog catalog{store, clock, ids};
};

TEST_F(TopicCatalogChanges, AChangeRacingADeactivationDoesNotReactivateTheTopic) {
  commit_elsewhere([](domain::topic& t) { t.is_active = false; });
  auto patched = testing::run_task(catalog.patch("t1", boost::json::parse(R"({"title":"Food"})")));
  ASSERT_TRUE(patched);
  EXPECT_EQ(patched->title, "Food");
  EXPECT_FALSE(patched->is_active);
  EXPECT_EQ(patched->version, 3);
  const auto& stored = store.topics.at("t1");
  EXPECT_FALSE(stored.is_active);
  EXPECT_EQ(stored.title, "Food");
  EXPECT_FALSE(chosen()) << "a deactivated topic must not be chosen for new sessions";
}

TEST_F(TopicCatalogChanges, TwoChangesOfDifferentFieldsBothTakeEffect) {
  commit_elsewhere([](domain::topic& t) { t.description = "Airports and hotels"; });
  auto patched = testing::run_task(catalog.patch("t1", boost::json::parse(R"({"title":"Trips"})")));
  ASSERT_TRUE(patched);
  const auto& stored = store.topics.at("t1");
  EXPECT_EQ(stored.title, "Trips");
  EXPECT_EQ(stored.description, "Airports and hotels");
  EXPECT_EQ(store.saves, 2);
}

TEST_F(TopicCatalogChanges, ADeactivationRacingAChangeStaysDone) {
  commit_elsewhere([](domain::topic& t) { t.title = "Trips"; });
  ASSERT_TRUE(testing::run_task(catalog.deactivate("t1")));
  EXPECT_FALSE(store.topics.at("t1").is_active);
  EXPECT_EQ(store.topics.at("t1").title, "Trips");
  EXPECT_FALSE(chosen());
}

TEST_F(TopicCatalogChanges, AChangeThatChangesNothingWritesNothing) {
  ASSERT_TRUE(testing::run_task(catalog.deactivate("t1")));
  ASSERT_EQ(store.saves, 1);
  ASSERT_TRUE(testing::run_task(catalog.deactivate("t1")));
  auto same = testing::run_task(catalog.patch("t1", boost::json::parse(R"({"title":"Travel"})")));
  ASSERT_TRUE(same);
  EXPECT_EQ(same->version, 2);
  EXPECT_EQ(store.saves, 1);
}

TEST_F(TopicCatalogChanges, AChangeGivesUpWhenTheTopicNeverStopsChanging) {
  // A writer that always commits first: the change gives up with INVALID_STATE after a
  // bounded number of attempts instead of spinning.
  struct always_first : racing_topic_store {
    task<void> save(domain::topic t) override {
      ++topics.at(t.id).version;
      co_return co_await racing_topic_store::save(std::move(t));
    }
  };
  always_first busy;
  busy.topics["t1"] = store.topics.at("t1");
  topic_catalog other{busy, clock, ids};
  auto patched = testing::run_task(other.patch("t1", boost::json::parse(R"({"title":"Food"})")));
  ASSERT_FALSE(patched);
  EXPECT_EQ(patched.error().code, errc::invalid_state);
  EXPECT_EQ(busy.saves, 8);
}

}  // namespace
}  // namespace conv::app
