#pragma once
// A fixed set of threads for libraries that block (SQLite, libmongoc, libcurl, file I/O),
// so that no I/O thread ever waits on them. run() hands a function to the pool and resumes
// the awaiting coroutine on its own executor with the result.
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstddef>
#include <type_traits>
#include <utility>

namespace conv {

class blocking_pool {
 public:
  explicit blocking_pool(std::size_t threads) : pool_(threads) {}
  ~blocking_pool() { stop(); }
  blocking_pool(const blocking_pool&) = delete;
  blocking_pool& operator=(const blocking_pool&) = delete;

  // `f` must not throw: it reports failures in its return value (a result<T>).
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F f) {
    using R = std::invoke_result_t<F&>;
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(R)>(
        [this](auto handler, F fn) {
          // Tracked, so the caller's io_context keeps running while the work is away.
          auto ex = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                        boost::asio::execution::outstanding_work.tracked);
          boost::asio::post(pool_, [fn = std::move(fn), handler = std::move(handler),
                                    ex]() mutable {
            R r = fn();
            boost::asio::dispatch(ex, [handler = std::move(handler), r = std::move(r)]() mutable {
              std::move(handler)(std::move(r));
            });
          });
        },
        boost::asio::use_awaitable, std::move(f));
  }

  void stop() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace conv
