// The embedded store copies its WAL back into the database file beside the writer, and the
// WAL stays bounded while writes go on.
#include "../support/run_task.hpp"
#include "adapters/embedded/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

namespace conv::adapters::embedded {
namespace {

namespace fs = std::filesystem;

struct temp_dir {
  fs::path path = fs::temp_directory_path() /
                  ("conv-ckpt-" + std::to_string(::getpid()) + "-" +
                   std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};

// One commit of about two pages.
result<void> insert_filler(sqlite_connection& db) {
  db.exec(
      "INSERT INTO outbox(event_id, type, key, occurred_at, data) "
      "VALUES('e', 't', 'k', 0, hex(randomblob(3000)))");
  return {};
}

TEST(SqliteCheckpointer, CopiesTheWalIntoTheDatabaseFileWhileTheWriterGoesOn) {
  temp_dir dir;
  const auto file = dir.path / "conversation.db";
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
