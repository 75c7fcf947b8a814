#pragma once
// ports::scheduler in this process: deadlines in two ordered maps under a mutex and one
// Asio timer armed for the earliest. Timers live as long as the process; after a restart
// the use cases re-arm them from the store (see conversation_service::start).
#include "ports/scheduler.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/system_timer.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

namespace conv::adapters::embedded {

class asio_scheduler : public ports::scheduler {
 public:
  // Handlers run on `executor`; the timer itself on a strand of it.
  explicit asio_scheduler(boost::asio::any_io_executor executor);

  void start(handler on_due) override;
  void stop() override;
  ports::task<void> schedule(ports::timer_key key, timestamp due) override;
  ports::task<void> cancel(ports::timer_key key) override;

  std::size_t pending() const;

 private:
  boost::asio::awaitable<void> run();
  void wake_if_earlier(timestamp due);

  boost::asio::any_io_executor executor_;
  boost::asio::strand<boost::asio::any_io_executor> strand_;
  boost::asio::system_timer timer_;
  handler on_due_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, timestamp> due_by_key_;
  std::set<std::pair<timestamp, std::string>> by_due_;
  std::atomic<std::int64_t> armed_for_ms_{INT64_MAX};
  std::atomic<bool> stopped_{false};
};

}  // namespace conv::adapters::embedded
