#include "app/retry_backoff.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>

namespace conv::app {

boost::asio::awaitable<void> retry_backoff::wait() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  timer.expires_after(next_);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  next_ = std::min<std::chrono::milliseconds>(next_ * 2, std::chrono::seconds(30));
}

}  // namespace conv::app
