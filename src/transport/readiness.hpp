#pragma once
// /readyz: whether every backing store answers. The stores are probed at most once per
// interval and calls in between get the last answer: a flood of /readyz (it needs no token)
// cannot keep the file I/O pool busy with probes while events and uploads wait for it.
// A store going down is logged with the reason, and again when it is back: the requests
// it fails meanwhile answer 503 without a log line each.
#include "common/error.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace conv::transport {

// The state of one backing store for /readyz: nothing, or why it is down.
struct store_health {
  std::string name;
  std::function<boost::asio::awaitable<result<void>>()> check;
};

class readiness {
 public:
  struct answer {
    bool ready = false;
    boost::json::object stores;  // name → "up" | "down"
  };

  explicit readiness(std::vector<store_health> stores,
                     std::chrono::milliseconds interval = std::chrono::seconds(1))
      : stores_(std::move(stores)), interval_(interval), reported_down_(stores_.size(), false) {}

  boost::asio::awaitable<answer> check();

 private:
  std::vector<store_health> stores_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  // Under mutex_. Until a first probe has answered, every call probes.
  std::chrono::steady_clock::time_point probed_at_;
  std::optional<answer> last_;
  std::vector<bool> reported_down_;  // by store, as last logged
};

}  // namespace conv::transport
