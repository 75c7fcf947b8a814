#pragma once
// The promises of ports::topic_store (see its header), for every adapter: instantiate
// TopicStoreContract with a factory that opens a store on a directory (the same directory
// twice means reopening it).
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"
#include "ports/topic_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

namespace conv::contract {

struct topic_store_handle {
  virtual ~topic_store_handle() = default;
  virtual ports::topic_store& store() = 0;
};
using topic_store_factory =
    std::function<std::unique_ptr<topic_store_handle>(const std::filesystem::path&)>;

class TopicStoreContract : public ::testing::TestWithParam<topic_store_factory> {
 protected:
  void SetUp() override { handle_ = GetParam()(dir_.path()); }
  ports::topic_store& store() { return handle_->store(); }
  void reopen() {
    handle_.reset();
    handle_ = GetParam()(dir_.path());
  }

  static domain::topic topic(const std::string& id, const std::string& language = "en",
                             std::int64_t version = 1) {
    domain::topic t;
    t.id = id;
    t.target_language_code = language;
    t.level = domain::cefr_level::b1;
    t.title = "Title of " + id;
    t.created_at = from_unix_ms(1'800'000'000'000);
    t.version = version;
    return t;
  }
  result<void> save(domain::topic t) { return testing::run_task(store().save(std::move(t))); }
  std::optional<domain::topic> find(const std::string& id) {
    return *testing::run_task(store().find(id));
  }
  ports::topic_page list(ports::topic_filter filter, std::size_t limit,
                         std::optional<std::string> after = std::nullopt) {
    return *testing::run_task(store().list(std::move(filter), limit, std::move(after)));
  }

  testing::temp_dir dir_;  // declared first: the adapter goes before its directory
  std::unique_ptr<topic_store_handle> handle_;
};

TEST_P(TopicStoreContract, SeedsOnlyAStoreThatHoldsNoTopic) {
  EXPECT_TRUE(*testing::run_task(store().seed_if_empty({topic("a"), topic("b")})));
  EXPECT_FALSE(*testing::run_task(store().seed_if_empty({topic("c")})));
  EXPECT_TRUE(find("a"));
  EXPECT_FALSE(find("c"));
}

TEST_P(TopicStoreContract, PagesInIdOrderWithoutGapsOrRepeats) {
  for (const auto* id : {"d", "b", "e", "a", "c"})
    ASSERT_TRUE(save(topic(id)));
  auto inactive = topic("c", "en", 2);
  inactive.is_active = false;
  ASSERT_TRUE(save(inactive));
  std::vector<std::string> seen;
  std::optional<std::string> after;
  do {
    auto page = list({}, 2, after);
    for (const auto& t : page.items)
      seen.push_back(t.id);
    after = page.last_id;
  } while (after);
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "d", "e"}));  // active only, by default
  ports::topic_filter every;
  every.active_only = false;
  EXPECT_EQ(list(every, 10).items.size(), 5u);
  ports::topic_filter french;
  french.language = "fr";
  EXPECT_TRUE(list(french, 10).items.empty());
}

TEST_P(TopicStoreContract, InsertingTheSameTopicTwiceLosesTheRace) {
  ASSERT_TRUE(save(topic("a")));
  auto again = topic("a");
  again.title = "Another";
  auto lost = save(again);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::invalid_state);
  EXPECT_EQ(find("a")->title, "Title of a");
}

TEST_P(TopicStoreContract, AWriteFromAStaleVersionChangesNothing) {
  ASSERT_TRUE(save(topic("a")));
  auto deactivated = topic("a", "en", 2);
  deactivated.is_active = false;
  ASSERT_TRUE(save(deactivated));
  auto stale = topic("a", "en", 2);  // also written from version 1
  stale.title = "Stale";
  auto lost = save(stale);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::invalid_state);
  const auto stored = find("a");
  EXPECT_FALSE(stored->is_active);
  EXPECT_EQ(stored->title, "Title of a");
  EXPECT_EQ(stored->version, 2);
  ASSERT_FALSE(save(topic("missing", "en", 2))) << "no version 1 to replace";
}

TEST_P(TopicStoreContract, OfManyConcurrentChangesExactlyOneWins) {
  ASSERT_TRUE(save(topic("a")));
  std::atomic<int> wins{0}, losses{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < 16; ++i)
    writers.emplace_back([&, i] {
      auto t = topic("a", "en", 2);
      t.title = "Writer " + std::to_string(i);
      (save(t) ? wins : losses)++;
    });
  for (auto& w : writers)
    w.join();
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(losses, 15);
}

TEST_P(TopicStoreContract, TopicsSurviveReopening) {
  auto t = topic("a", "pt-BR");
  t.prompt_questions = {"Where?", "Quand ?"};
  ASSERT_TRUE(save(t));
  reopen();
  EXPECT_EQ(find("a"), t);
}

}  // namespace conv::contract
