#include "adapters/embedded/sqlite_checkpointer.hpp"

#include "observability/logging.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace conv::adapters::embedded {
namespace {
const auto& log() {
  static const auto logger = observability::module_logger("store");
  return logger;
}
}  // namespace

sqlite_checkpointer::sqlite_checkpointer(const std::filesystem::path& file, sqlite3* writer)
    : writer_(writer), connection_(file, true) {  // with the writer's synchronous setting
  thread_ = std::thread([this] { run(); });
  // Replaces SQLite's automatic checkpoint, which is a WAL hook too.
  sqlite3_wal_hook(writer_, &sqlite_checkpointer::on_commit, this);
}

sqlite_checkpointer::~sqlite_checkpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

int sqlite_checkpointer::on_commit(void* self, sqlite3* db, const char* schema, int frames) {
  auto& me = *static_cast<sqlite_checkpointer*>(self);
  if (frames >= inline_from) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (frames >= background_from) {
    {
      std::lock_guard lock(me.mutex_);
      me.wanted_ = true;
    }
    me.wake_.notify_one();
  }
  return SQLITE_OK;
}

void sqlite_checkpointer::run() {
  // Copying is never urgent: the threads that answer requests go first on a busy machine.
  ::setpriority(PRIO_PROCESS, ::gettid(), 10);
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stopping_ || wanted_; });
    if (stopping_) return;
    wanted_ = false;
    lock.unlock();
    const int rc = sqlite3_wal_checkpoint_v2(connection_.handle(), nullptr,
                                             SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
      log()->warn("checkpoint failed: {}", connection_.last_error());
    lock.lock();
  }
}

}  // namespace conv::adapters::embedded
