// The embedded store copies its WAL back into the database file beside the writer, and the
// WAL stays bounded while writes go on.
#include "../support/run_task.hpp"
#include "../support/temp_dir.hpp"
#include "adapters/embedded/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace conv::adapters::embedded {
namespace {

namespace fs = std::filesystem;

// One commit of about two pages.
result<void> insert_filler(sqlite_connection& db) {
  db.exec(
      "INSERT INTO outbox(event_id, type, key, occurred_at, data) "
      "VALUES('e', 't', 'k', 0, hex(randomblob(3000)))");
  return {};
}

TEST(SqliteCheckpointer, CopiesTheWalIntoTheDatabaseFileWhileTheWriterGoesOn) {
  testing::temp_dir dir;
  const auto file = dir.path() / "conversation.db";
  auto db = sqlite_database::open(file, 1);
  const auto empty = fs::file_size(file);
  const int commits = 2 * sqlite_checkpointer::background_from;  // ~4 frames each
  for (int i = 0; i < commits; ++i)
    ASSERT_TRUE(conv::testing::run_task(db->write(insert_filler)));
  // Below the writer's own limit, only the background thread copies: wait for it.
  static_assert(4 * 2 * sqlite_checkpointer::background_from < sqlite_checkpointer::inline_from);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (fs::file_size(file) < empty + 4'000'000 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GE(fs::file_size(file), empty + 4'000'000) << "the WAL was not checkpointed";
}

}  // namespace
}  // namespace conv::adapters::embedded
