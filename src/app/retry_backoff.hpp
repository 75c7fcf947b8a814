#pragma once
// Waits between attempts at work that must happen but failed because a store was down (a
// timer's transition): 1 s, then twice as long each time, up to 30 s. A fired timer is gone,
// so its handler tries again itself instead of leaving a session or a request hanging.
#include <boost/asio/awaitable.hpp>

#include <chrono>

namespace conv::app {

class retry_backoff {
 public:
  static constexpr std::chrono::milliseconds first_delay{1000};

  // Suspends the calling coroutine (on its own executor) for the next delay.
  boost::asio::awaitable<void> wait();

 private:
  std::chrono::milliseconds next_{first_delay};
};

}  // namespace conv::app
