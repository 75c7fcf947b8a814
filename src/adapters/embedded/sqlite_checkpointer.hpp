#pragma once
// Copies the WAL back into the database file on a thread of its own. SQLite's automatic
// checkpoint runs inside the commit that crosses its threshold, on the writer thread, and
// its copying and fsyncs hold every write queued behind it. Here the writer only asks; a
// passive checkpoint never blocks the writer or the readers.
#include "adapters/embedded/sqlite_connection.hpp"

#include <sqlite3.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

namespace conv::adapters::embedded {

class sqlite_checkpointer {
 public:
  // Takes over checkpointing of `writer` (a connection in WAL mode, used by one thread).
  sqlite_checkpointer(const std::filesystem::path& file, sqlite3* writer);
  ~sqlite_checkpointer();  // after the writer's last use
  sqlite_checkpointer(const sqlite_checkpointer&) = delete;
  sqlite_checkpointer& operator=(const sqlite_checkpointer&) = delete;

  // WAL length in frames from which the background checkpoint is asked for; and from which
  // the writer checkpoints itself: the WAL starts over only when a checkpoint has copied it
  // all before the writer's next transaction, which a writer that never pauses may not
  // allow, so this bounds the file.
  static constexpr int background_from = 1000;
  static constexpr int inline_from = 20000;

 private:
  static int on_commit(void* self, sqlite3* db, const char* schema, int frames);
  void run();

  sqlite3* writer_;
  sqlite_connection connection_;  // the checkpointer's own
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace conv::adapters::embedded
