#include "adapters/embedded/asio_scheduler.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <vector>

namespace conv::adapters::embedded {

namespace asio = boost::asio;

asio_scheduler::asio_scheduler(asio::any_io_executor executor)
    : executor_(executor), strand_(asio::make_strand(executor)), timer_(strand_) {}

void asio_scheduler::start(handler on_due) {
  on_due_ = std::move(on_due);
  asio::co_spawn(strand_, run(), asio::detached);
}

void asio_scheduler::stop() {
  stopped_ = true;
  asio::post(strand_, [this] { timer_.cancel(); });
}

void asio_scheduler::wake_if_earlier(timestamp due) {
  if (to_unix_ms(due) < armed_for_ms_.load()) asio::post(strand_, [this] { timer_.cancel(); });
}

ports::task<void> asio_scheduler::schedule(ports::timer_key key, timestamp due) {
  {
    std::lock_guard lock(mutex_);
    auto encoded = key.encode();
    auto [it, inserted] = due_by_key_.try_emplace(encoded, due);
    if (!inserted) {
      by_due_.erase({it->second, encoded});
      it->second = due;
    }
    by_due_.emplace(due, std::move(encoded));
  }
  wake_if_earlier(due);
  co_return result<void>{};
}

ports::task<void> asio_scheduler::cancel(ports::timer_key key) {
  std::lock_guard lock(mutex_);
  auto encoded = key.encode();
  auto it = due_by_key_.find(encoded);
  if (it != due_by_key_.end()) {
    by_due_.erase({it->second, encoded});
    due_by_key_.erase(it);
  }
  co_return result<void>{};
}

std::size_t asio_scheduler::pending() const {
  std::lock_guard lock(mutex_);
  return by_due_.size();
}

asio::awaitable<void> asio_scheduler::run() {
  while (!stopped_) {
    std::vector<std::pair<timestamp, std::string>> fired;
    timestamp next = timestamp::max();
    {
      std::lock_guard lock(mutex_);
      const auto now =
          std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
      while (!by_due_.empty() && by_due_.begin()->first <= now) {
        auto node = by_due_.extract(by_due_.begin());
        due_by_key_.erase(node.value().second);
        fired.push_back(std::move(node.value()));
      }
      if (!by_due_.empty()) next = by_due_.begin()->first;
      armed_for_ms_ = next == timestamp::max() ? INT64_MAX : to_unix_ms(next);
    }
    for (auto& [due, encoded] : fired)
      if (auto key = ports::timer_key::decode(encoded))
        asio::co_spawn(executor_, on_due_(std::move(*key), due), asio::detached);
    if (!fired.empty()) continue;  // look again: time moved while we fired
    if (next == timestamp::max())
      timer_.expires_after(std::chrono::hours(24));
    else
      timer_.expires_at(next);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

}  // namespace conv::adapters::embedded
