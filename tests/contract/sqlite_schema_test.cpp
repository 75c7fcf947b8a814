// A data directory written by an older version of the service opens and keeps its topics.
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"
#include "adapters/embedded/sqlite_conversation_store.hpp"
#include "adapters/embedded/sqlite_database.hpp"
#include "adapters/embedded/sqlite_topic_store.hpp"

#include <gtest/gtest.h>

namespace conv::adapters::embedded {
namespace {

TEST(SqliteSchema, TopicsOfSchemaVersion1AreVersion1AndChangeCompareAndSet) {
  testing::temp_dir dir;
  const auto file = dir.path() / "conversation.db";
  {
    // The topics table as schema version 1 had it: no version column, none in the document.
    sqlite_connection old(file, true);
    old.exec(R"sql(
      CREATE TABLE topics(
        id TEXT PRIMARY KEY, language TEXT NOT NULL, level TEXT NOT NULL, category TEXT NOT NULL,
        is_active INTEGER NOT NULL, doc TEXT NOT NULL);
      INSERT INTO topics VALUES('t1', 'en', 'B1', '', 1, '{"id":"t1","targetLanguageCode":"en",
        "level":"B1","title":"Travel","description":"","promptQuestions":[],"category":"",
        "estimatedDurationMinutes":10,"isActive":true,"createdAt":"2026-11-24T16:06:19.123Z"}');
      PRAGMA user_version = 1;
    )sql");
  }
  auto db = sqlite_database::open(file);
  sqlite_topic_store topics(*db);
  auto stored = *conv::testing::run_task(topics.find("t1"));
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->title, "Travel");
  EXPECT_EQ(stored->version, 1);

  auto changed = *stored;
  changed.is_active = false;
  changed.version = 2;
  ASSERT_TRUE(conv::testing::run_task(topics.save(changed)));
  auto stale = *stored;
  stale.title = "Stale";
  stale.version = 2;
  auto lost = conv::testing::run_task(topics.save(stale));
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, errc::invalid_state);
  EXPECT_EQ(*conv::testing::run_task(topics.find("t1")), changed);
}

TEST(SqliteSchema, ADatabaseOfSchemaVersion2KeepsRemovedUsersOnceUpgraded) {
  testing::temp_dir dir;
  const auto file = dir.path() / "conversation.db";
  sqlite_database::open(file);
  {
    sqlite_connection old(file, true);
    old.exec("DROP TABLE removed_users; PRAGMA user_version = 2;");
  }
  auto db = sqlite_database::open(file);
  sqlite_conversation_store store(*db);
  ASSERT_TRUE(conv::testing::run_task(store.record_user_removal({"mallory", from_unix_ms(5)})));
  auto removed = *conv::testing::run_task(store.user_removals());
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].user_id, "mallory");
}

}  // namespace
}  // namespace conv::adapters::embedded
