#pragma once
// The embedded store's SQLite file: one writer thread that group-commits, and a pool of
// read connections (WAL lets readers run beside the writer).
//
// Group commit: every write queued while the previous transaction was committing goes into
// the next one, so a burst of writes costs one WAL commit instead of one each. A write that
// fails (a lost version check, mostly) must not take the others with it: the transaction is
// rolled back and run again without it. Failures are rare, so this is cheaper than a
// savepoint around every write, which copied each page a write touched.
#include "adapters/embedded/sqlite_checkpointer.hpp"
#include "adapters/embedded/sqlite_connection.hpp"
#include "common/blocking_pool.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace conv::adapters::embedded {

class sqlite_database {
 public:
  using write_fn = std::function<result<void>(sqlite_connection&)>;

  // Opens (creating if needed) and migrates the schema; throws sqlite_failure.
  static std::unique_ptr<sqlite_database> open(const std::filesystem::path& file,
                                               std::size_t readers = 4);
  ~sqlite_database();

  // Runs what is queued, then stops the writer and the readers; idempotent. At shutdown it
  // comes before the I/O contexts' pending handlers are destroyed: the completions it hands
  // back are queued there, and go with them while what they refer to still exists.
  void stop();

  // Runs `fn` in the next group transaction; resumes the caller with its result once the
  // transaction is committed (or with service_unavailable when the commit failed).
  boost::asio::awaitable<result<void>> write(write_fn fn);

  // For /readyz: a read answers and the disk has room for the writer's next commits.
  boost::asio::awaitable<result<void>> probe();

  // Runs `fn` on a read connection, off the I/O threads.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&, sqlite_connection&>> read(F fn) {
    return readers_.run([this, fn = std::move(fn)]() mutable {
      auto connection = checkout();
      try {
        auto r = fn(*connection);
        checkin(std::move(connection));
        return r;
      } catch (const std::exception& e) {
        checkin(std::move(connection));
        return decltype(fn(*connection))(store_unavailable(e.what()));
      }
    });
  }

 private:
  struct job {
    write_fn fn;
    std::function<void(result<void>)> complete;
  };
  sqlite_database(const std::filesystem::path& file, std::size_t readers);
  void writer_loop();
  void commit_batch(std::deque<job>& batch);
  void submit(job j);
  std::unique_ptr<sqlite_connection> checkout();
  void checkin(std::unique_ptr<sqlite_connection> c);

  // The file as opened. Moved or removed (the data directory deleted or renamed under a
  // running service), commits would land in a file nobody opens again: refused instead.
  result<void> still_at_its_path() const;

  std::filesystem::path file_;
  struct {
    std::uint64_t device = 0, inode = 0;
  } opened_;
  std::unique_ptr<sqlite_connection> writer_connection_;
  std::unique_ptr<sqlite_checkpointer> checkpointer_;  // hooked into the writer connection
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<job> queue_;
  bool stopping_ = false;
  std::thread writer_;

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite_connection>> idle_readers_;
  blocking_pool readers_;
};

}  // namespace conv::adapters::embedded
