#pragma once
// At most one log line per interval for a failure that can repeat many times a second (out
// of file descriptors at accept(), a read-only disk): the first is logged, the next ones
// are counted and the count goes with the next line logged.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

namespace conv::observability {

class log_throttle {
 public:
  explicit log_throttle(std::chrono::steady_clock::duration interval) : interval_(interval) {}

  // When this occurrence is to be logged: how many were left unlogged since the last line.
  std::optional<std::uint64_t> admit(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (logged_once_ && now - last_ < interval_) {
      ++unlogged_;
      return std::nullopt;
    }
    logged_once_ = true;
    last_ = now;
    return std::exchange(unlogged_, 0);
  }

 private:
  std::chrono::steady_clock::duration interval_;
  std::mutex mutex_;
  bool logged_once_ = false;
  std::chrono::steady_clock::time_point last_;
  std::uint64_t unlogged_ = 0;
};

}  // namespace conv::observability
