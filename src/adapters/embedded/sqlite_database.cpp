#include "adapters/embedded/sqlite_database.hpp"

#include "adapters/embedded/disk_room.hpp"
#include "adapters/embedded/sqlite_schema.hpp"

#include <boost/asio/post.hpp>

#include <sys/stat.h>

namespace conv::adapters::embedded {

namespace asio = boost::asio;

std::unique_ptr<sqlite_database> sqlite_database::open(const std::filesystem::path& file,
                                                       std::size_t readers) {
  return std::unique_ptr<sqlite_database>(new sqlite_database(file, readers));
}

sqlite_database::sqlite_database(const std::filesystem::path& file, std::size_t readers)
    : file_(file),
      writer_connection_(std::make_unique<sqlite_connection>(file, true)),
      readers_(readers) {
  migrate(*writer_connection_);
  struct stat opened {};
  if (::stat(file_.c_str(), &opened) == 0) opened_ = {opened.st_dev, opened.st_ino};
  checkpointer_ = std::make_unique<sqlite_checkpointer>(file, writer_connection_->handle());
  for (std::size_t i = 0; i < readers; ++i)
    idle_readers_.push_back(std::make_unique<sqlite_connection>(file, false));
  writer_ = std::thread([this] { writer_loop(); });
}

sqlite_database::~sqlite_database() {
  stop();
}

void sqlite_database::stop() {
  readers_.stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

boost::asio::awaitable<result<void>> sqlite_database::probe() {
  co_return co_await read([this](sqlite_connection& c) -> result<void> {
    auto answer = c.prepare("SELECT 1");
    if (answer.step() != SQLITE_ROW) return store_unavailable("the store does not answer");
    if (auto here = still_at_its_path(); !here) return here;
    return check_room(file_.parent_path(), "store");
  });
}

std::unique_ptr<sqlite_connection> sqlite_database::checkout() {
  std::lock_guard lock(readers_mutex_);
  if (idle_readers_.empty()) return std::make_unique<sqlite_connection>(file_, false);
  auto c = std::move(idle_readers_.back());
  idle_readers_.pop_back();
  return c;
}

void sqlite_database::checkin(std::unique_ptr<sqlite_connection> c) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(c));
}

void sqlite_database::submit(job j) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(j));
  }
  wake_.notify_one();
}

asio::awaitable<result<void>> sqlite_database::write(write_fn fn) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(result<void>)>(
      [this](auto handler, write_fn f) {
        auto ex = asio::prefer(asio::get_associated_executor(handler),
                               asio::execution::outstanding_work.tracked);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        submit({std::move(f), [shared, ex](result<void> r) {
                  asio::dispatch(ex, [shared, r = std::move(r)]() mutable {
                    std::move (*shared)(std::move(r));
                  });
                }});
      },
      asio::use_awaitable, std::move(fn));
}

void sqlite_database::writer_loop() {
  for (;;) {
    std::deque<job> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      batch.swap(queue_);
    }
    commit_batch(batch);
  }
}

result<void> sqlite_database::still_at_its_path() const {
  struct stat at_path {};
  if (::stat(file_.c_str(), &at_path) == 0 && at_path.st_dev == opened_.device &&
      at_path.st_ino == opened_.inode)
    return {};
  return store_unavailable(file_.string() +
                           " was moved or removed while open: nothing is written until it is back");
}

void sqlite_database::commit_batch(std::deque<job>& batch) {
  if (auto here = still_at_its_path(); !here) {
    for (auto& j : batch)
      j.complete(here.error());
    return;
  }
  auto& db = *writer_connection_;
  // Failed changes, by position: left out when the batch runs again.
  std::vector<std::optional<error>> failures(batch.size());
  for (;;) {
    bool again = false;
    try {
      db.run("BEGIN IMMEDIATE");
      for (std::size_t i = 0; i < batch.size() && !again; ++i) {
        if (failures[i]) continue;
        result<void> r = make_error(errc::internal, "not run");
        try {
          r = batch[i].fn(db);
        } catch (const sqlite_failure& e) {
          r = store_unavailable(e.what());
        }
        if (!r) {
          failures[i] = r.error();
          again = true;
        }
      }
      db.run(again ? "ROLLBACK" : "COMMIT");
    } catch (const sqlite_failure& e) {
      try {
        db.exec("ROLLBACK");
      } catch (const sqlite_failure&) {
        // Nothing was open: the failure was at BEGIN or COMMIT.
      }
      const auto failed = store_unavailable(e.what());
      for (std::size_t i = 0; i < batch.size(); ++i)
        batch[i].complete(failures[i] ? result<void>(*failures[i]) : result<void>(failed));
      return;
    }
    if (again) continue;
    for (std::size_t i = 0; i < batch.size(); ++i)
      batch[i].complete(failures[i] ? result<void>(*failures[i]) : result<void>());
    return;
  }
}

}  // namespace conv::adapters::embedded
